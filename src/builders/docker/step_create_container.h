// StepCreateContainer: starts the container the build provisions, from
// run_command and the builder's options, named kiln-<run uuid>-<build>.
// Cleanup kills and removes it.
#pragma once

#include "builders/docker/state.h"

namespace kiln::builders::docker {

class StepCreateContainer : public engine::Step<State> {
 public:
  std::string_view name() const override { return "StepCreateContainer"; }
  engine::StepAction Run(State& state) override;
  void Cleanup(State& state) override;
  std::optional<std::string> Leftover(const State& state) const override;
};

// The container spec for `config`, with run_command rendered and parsed.
Result<ContainerSpec> MakeContainerSpec(const Config& config, const engine::BuildContext& ctx);

}  // namespace kiln::builders::docker
