// A provisioner configures the machine through its communicator.
#pragma once

#include "engine/build_context.h"
#include "engine/communicator.h"

namespace kiln::engine {

class Provisioner {
 public:
  virtual ~Provisioner() = default;
  // Runs against the live machine. Errors name what failed ("script
  // install.sh exited with 3"). Must return promptly once ctx.cancel trips.
  virtual Result<void> Provision(BuildContext& ctx, Communicator& comm) = 0;
};

// Runs the build's provisioners in order while the machine exists; builders
// call it from their provision step. Implemented by the engine (pause_before,
// max_retries, timeout, the error-cleanup provisioner).
class ProvisionHook {
 public:
  virtual ~ProvisionHook() = default;
  virtual Result<void> Run(BuildContext& ctx, Communicator& comm) = 0;
  // -on-error=run-cleanup-provisioner: the builder calls this after a
  // failure, while the machine still exists.
  virtual void RunErrorCleanup(BuildContext& ctx, Communicator& comm) = 0;
};

}  // namespace kiln::engine
