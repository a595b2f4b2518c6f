// StepProvision: runs the template's provisioners in the container through
// the docker communicator. Creates nothing of its own.
#pragma once

#include "builders/docker/state.h"

namespace kiln::builders::docker {

class StepProvision : public engine::Step<State> {
 public:
  std::string_view name() const override { return "StepProvision"; }
  engine::StepAction Run(State& state) override;
};

}  // namespace kiln::builders::docker
