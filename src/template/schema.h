// The declared options of one component type (a builder, provisioner or
// post-processor). Components only declare their options; decoding against
// the schema (types, required keys, defaults, unknown keys) is shared, so
// every component reports bad input the same way, with positions.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace kiln::tmpl {

enum class OptionKind {
  kString,
  kBool,
  kInt,
  kFloat,
  kDuration,    // Go duration: "1m30s"; stored as the string, checked on decode
  kStringList,  // ["a", "b"]; a lone string "a,b" is split on commas, as Packer does
  kIntList,     // [0, 3]; "0,3" too
  kStringMap,   // {"k": "v"}
  kBlock,       // a nested object decoded against `block`
  kBlockList,   // a list of nested objects, each decoded against `block`
  kAny,         // kept as JSON, strings still interpolated
};

struct Schema;

struct Option {
  std::string name;
  OptionKind kind = OptionKind::kString;
  bool required = false;
  nlohmann::json default_value;   // used when absent; null = no default
  const Schema* block = nullptr;  // for kBlock and kBlockList
  // Rendered later with run-time data ({{.Path}}, {{.Vars}}, {{.Image}}), so
  // left uninterpolated when decoding.
  bool deferred = false;
  // Non-empty: an old name, still accepted with a warning naming this one.
  std::string replaced_by;
};

// Options decoded against a schema: every declared option is present in
// `values` (its default, or null), strings interpolated, types converted.
struct DecodedConfig {
  nlohmann::json values = nlohmann::json::object();
  // Where each option given in the template sits (absent for defaults);
  // list elements as "name[i]", nested options as "block.name".
  std::map<std::string, SourceRange, std::less<>> positions;
  SourceRange where;  // the component's object

  const nlohmann::json& operator[](std::string_view name) const;
  // Written in the template (even if empty or false).
  bool IsSet(std::string_view name) const { return positions.contains(name); }
  // Set to something other than Go's zero value: "", false, 0, [] and {}
  // count as unset, as Packer's checks treat them.
  bool Given(std::string_view name) const;
  // Typed reads for components: "" / false / {} when unset or of another type.
  std::string String(std::string_view name) const;
  bool Bool(std::string_view name) const;
  std::vector<std::string> Strings(std::string_view name) const;
  // A position for an error about `name`: the option's value, or the object.
  SourceRange At(std::string_view name) const;
};

struct Schema;

// Adapts a component's `Result<Config> Prepare(const DecodedConfig&)` to
// Schema::prepare.
template <typename Config>
std::function<Result<void>(const DecodedConfig&)> PrepareCheck(Result<Config> (*prepare)(const DecodedConfig&)) {
  return [prepare](const DecodedConfig& c) -> Result<void> {
    Result<Config> config = prepare(c);
    if (!config) return std::unexpected(std::move(config.error()));
    return {};
  };
}

struct Schema {
  std::string type;  // "docker", "shell", "docker-tag"
  std::vector<Option> options;
  // Shared option sets folded in, e.g. the communicator's ssh_* options.
  std::vector<const Schema*> includes;
  // Builders: the {{build `Key`}} values this builder adds to the ones
  // every build has (ID, Host, SSHPrivateKey, ...).
  std::vector<std::string> build_values;
  // Rules across options ("exactly one of commit, discard, export_path"),
  // run after decoding when there were no type errors.
  std::function<void(const DecodedConfig&, Diagnostics&)> check;
  // The component's Prepare (its typed config read, no side effects), run
  // after `check` passes, result dropped: build constructs the component
  // from the same Prepare, so validate rejects whatever build would.
  // Included schemas' prepare is not run; the including component's is.
  std::function<Result<void>(const DecodedConfig&)> prepare;
  // Builders whose own options may use {{clean_resource_name}} (Packer
  // offers it to the amazon builders only).
  bool clean_resource_name = false;

  // The option called `name` here or in an included schema, or nullptr.
  const Option* Find(std::string_view name) const;
  // All option names, own first, for "did you mean" hints.
  std::vector<std::string> Names() const;
};

}  // namespace kiln::tmpl
