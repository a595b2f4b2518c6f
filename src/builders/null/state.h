// What the null builder's steps share while a build runs.
#pragma once

#include <memory>
#include <optional>

#include "communicators/ssh/config.h"
#include "engine/communicator.h"
#include "engine/provisioner.h"
#include "engine/step.h"

namespace kiln::builders::null {

struct Config {
  std::string communicator;  // "ssh" or "none"
  communicators::ssh::Config ssh;
};

struct State : engine::StepState {
  Config config;
  engine::ProvisionHook* hook = nullptr;
  std::unique_ptr<engine::Communicator> comm;  // set by StepConnect, closed by its Cleanup
};

}  // namespace kiln::builders::null
