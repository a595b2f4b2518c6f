// The engine's ProvisionHook: runs a prepared build's provisioners in order
// against the live machine, applying each one's pause_before, timeout and
// max_retries, and the error-cleanup provisioner when a builder asks.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string_view>

#include "engine/provisioner.h"
#include "template/prepare.h"
#include "template/schema.h"

namespace kiln::engine {

using ProvisionerMaker =
    std::function<Result<std::unique_ptr<Provisioner>>(std::string_view type, const tmpl::DecodedConfig& config)>;

// Options were decoded before the machine existed, so their {{build `Key`}}
// actions are still verbatim text. Renders every string leaf containing
// "{{" with `ctx`, except options the schema marks deferred (rendered later
// by the component itself, e.g. {{.Path}}). A null schema renders all.
// Errors name the option ("inline[1]: ...").
Result<tmpl::DecodedConfig> RenderBuildValues(const tmpl::DecodedConfig& config, const tmpl::Schema* schema,
                                              const interpolate::Context& ctx);

// Gives every {{build `Key`}} the build offers a value (PackerRunUUID, and
// "" for keys the builder did not set), as Packer does for provisioners and
// post-processors. Called once the machine exists.
void CompleteBuildValues(BuildContext& ctx);

class TemplateProvisionHook : public ProvisionHook {
 public:
  // `build` must outlive the hook. `retry_backoff` is the wait before the
  // first retry; it doubles for each further one.
  TemplateProvisionHook(const tmpl::PreparedBuild& build, ProvisionerMaker make,
                        std::chrono::milliseconds retry_backoff = std::chrono::seconds(2))
      : build_(build), make_(std::move(make)), retry_backoff_(retry_backoff) {}

  // Stops at the first provisioner that fails (after its retries) or when
  // the build is cancelled; the builder's cleanup removes the machine.
  Result<void> Run(BuildContext& ctx, Communicator& comm) override;
  // Runs the error-cleanup provisioner, if any, even after a cancel (with a
  // fresh token); its failure is only logged.
  void RunErrorCleanup(BuildContext& ctx, Communicator& comm) override;

 private:
  Result<void> RunOne(const tmpl::Prepared<tmpl::Provisioner>& p, BuildContext& ctx, Communicator& comm);

  const tmpl::PreparedBuild& build_;
  ProvisionerMaker make_;
  std::chrono::milliseconds retry_backoff_;
};

}  // namespace kiln::engine
