// StepConnect: reaches the existing machine over SSH (retrying until
// ssh_timeout), or sets up the "none" communicator. Cleanup closes the
// connection.
#pragma once

#include "builders/null/state.h"

namespace kiln::builders::null {

class StepConnect : public engine::Step<State> {
 public:
  std::string_view name() const override { return "StepConnect"; }
  engine::StepAction Run(State& state) override;
  void Cleanup(State& state) override { state.comm.reset(); }
};

// StepProvision: runs the template's provisioners through the communicator.
class StepProvision : public engine::Step<State> {
 public:
  std::string_view name() const override { return "StepProvision"; }
  engine::StepAction Run(State& state) override;
};

}  // namespace kiln::builders::null
