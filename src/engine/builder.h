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

// A catalog factory's last line for a builder made from its typed config:
// the config's error, or a B that owns it.
template <typename B, typename Config>
Result<std::unique_ptr<Builder>> MakeBuilderFrom(Result<Config> config) {
  if (!config) return std::unexpected(config.error());
  return std::make_unique<B>(std::move(*config));
}

}  // namespace kiln::engine
