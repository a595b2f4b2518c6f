// Turns a loaded template into the builds to run: selects builders with
// -only/-except, then decodes each builder, provisioner and post-processor
// against its schema with the build's variables. No side effects: this is
// all `validate` does, and what `build` does before starting anything.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "interpolate/engine.h"
#include "template/schema.h"
#include "template/template.h"
#include "template/variables.h"

namespace kiln::tmpl {

// kiln reads templates as this version of Packer does; it is what
// min_packer_version is checked against and what {{packer_version}} gives.
inline constexpr std::string_view kPackerCompatVersion = "1.6.6";

struct BuildSelection {
  std::vector<std::string> only;    // globs over build names
  std::vector<std::string> except;  // globs over build and post-processor names
};

template <typename Source>
struct Prepared {
  const Source* source = nullptr;
  DecodedConfig config;
  // Provisioners only: pause_before, max_retries and timeout.
  DecodedConfig common;
};

// The options every provisioner takes besides its own.
const Schema& ProvisionerCommonOptions();

struct PreparedBuild {
  std::string name;  // the builder's name, variables rendered
  std::string type;
  Prepared<Component> builder;
  std::vector<Prepared<Provisioner>> provisioners;
  std::vector<std::vector<Prepared<PostProcessor>>> chains;
  std::optional<Prepared<Provisioner>> error_cleanup;
};

// The {{build `Key`}} names a build of this builder offers: every build's
// (ID, Host, SSHPrivateKey, ...) and the builder's own.
std::vector<std::string> BuildValueKeys(const Schema* builder_schema);

// Glob match with '*' and '?', as Packer matches -only/-except.
bool GlobMatch(std::string_view pattern, std::string_view name);

// Checks min_packer_version against kPackerCompatVersion.
void CheckVersion(const Template& t, Diagnostics& diags);

std::vector<PreparedBuild> PrepareBuilds(const Template& t, const VariableValues& vars,
                                         const BuildSelection& selection,
                                         const interpolate::Context& base, Diagnostics& diags);

}  // namespace kiln::tmpl
