// A builder starts a machine from a base image, lets the provisioners
// configure it, and captures the result as an artifact.
#pragma once

#include <memory>

#include "engine/artifact.h"
#include "engine/build_context.h"
#include "engine/provisioner.h"

namespace kiln::engine {

class Builder {
 public:
  virtual ~Builder() = default;
  // Runs the builder's steps; every resource it creates is gone when Run
  // returns (success, failure or cancel), except the artifact and what
  // -on-error=abort leaves on purpose. A null artifact means "nothing
  // exported" (docker discard, null builder).
  virtual Result<std::unique_ptr<Artifact>> Run(BuildContext& ctx, ProvisionHook& hook) = 0;
};

}  // namespace kiln::engine
