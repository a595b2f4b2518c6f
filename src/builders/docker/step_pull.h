// StepPull: logs in to the registry (login) and pulls the image (pull), or
// checks that the image exists locally. Creates nothing; no cleanup.
#pragma once

#include "builders/docker/state.h"

namespace kiln::builders::docker {

class StepPull : public engine::Step<State> {
 public:
  std::string_view name() const override { return "StepPull"; }
  engine::StepAction Run(State& state) override;
};

}  // namespace kiln::builders::docker
