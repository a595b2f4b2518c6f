// StepCommit: commits the container to an image (commit), with changes,
// author and message; the image is the artifact. StepExport: streams the
// container's filesystem to export_path instead. Neither creates anything
// to clean up: the artifact belongs to the user.
#pragma once

#include "builders/docker/state.h"

namespace kiln::builders::docker {

class StepCommit : public engine::Step<State> {
 public:
  std::string_view name() const override { return "StepCommit"; }
  engine::StepAction Run(State& state) override;
};

class StepExport : public engine::Step<State> {
 public:
  std::string_view name() const override { return "StepExport"; }
  engine::StepAction Run(State& state) override;
};

}  // namespace kiln::builders::docker
