// What the docker builder's steps share while a build runs.
#pragma once

#include <memory>
#include <string>

#include "builders/docker/config.h"
#include "clients/docker/docker_api.h"
#include "engine/artifact.h"
#include "engine/provisioner.h"
#include "engine/step.h"

namespace kiln::builders::docker {

struct State : engine::StepState {
  Config config;
  std::shared_ptr<clients::docker::DockerApi> api;
  engine::ProvisionHook* hook = nullptr;
  std::string container_id;                    // StepCreateContainer's, while its lease holds it
  std::unique_ptr<engine::Artifact> artifact;  // set by StepCommit or StepExport
};

}  // namespace kiln::builders::docker
