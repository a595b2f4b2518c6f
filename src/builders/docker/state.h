// What the docker builder's steps share while a build runs.
#pragma once

#include <memory>
#include <string>

#include "builders/docker/config.h"
#include "builders/docker/driver.h"
#include "engine/artifact.h"
#include "engine/provisioner.h"
#include "engine/step.h"

namespace kiln::builders::docker {

struct State : engine::StepState {
  Config config;
  std::shared_ptr<Driver> driver;
  engine::ProvisionHook* hook = nullptr;
  std::string container_id;                  // set by StepCreateContainer
  std::unique_ptr<engine::Artifact> artifact;  // set by StepCommit or StepExport
};

}  // namespace kiln::builders::docker
