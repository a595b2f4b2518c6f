// StepCreateContainer: starts the container the build provisions, from
// run_command and the builder's options, named kiln-<run uuid>-<build>. It
// holds the container's lease: Cleanup resets it (kills and removes the
// container); -on-error=abort abandons it, and the container stays.
#pragma once

#include "builders/docker/state.h"
#include "clients/docker/container_lease.h"

namespace kiln::builders::docker {

class StepCreateContainer : public engine::Step<State> {
 public:
  std::string_view name() const override { return "StepCreateContainer"; }
  engine::StepAction Run(State& state) override;
  void Cleanup(State& state) override;
  std::optional<std::string> Leftover(const State& state) const override;
  void Abandon(State& state) override;

 private:
  clients::docker::ContainerLease container_;
};

// The container's configuration for `config`, with run_command rendered and
// parsed.
Result<clients::docker::ContainerConfig> MakeContainerConfig(const Config& config, const engine::BuildContext& ctx);

}  // namespace kiln::builders::docker
