// The breakpoint provisioner: pauses the build until the user presses
// Enter, showing `note`; with `disable` it only says it was skipped.
#pragma once

#include <memory>
#include <string>

#include "engine/provisioner.h"
#include "template/schema.h"
#include "util/error.h"

namespace kiln::provisioners::breakpoint {

struct Config {
  std::string note;
  bool disable = false;
};

Config Prepare(const tmpl::DecodedConfig& config);

class BreakpointProvisioner : public engine::Provisioner {
 public:
  explicit BreakpointProvisioner(Config config) : config_(std::move(config)) {}
  // Waits through ctx.prompt ("Press enter to continue."); without a prompt
  // (no terminal) it continues at once. Fails only if the build was
  // cancelled while waiting.
  Result<void> Provision(engine::BuildContext& ctx, engine::Communicator& comm) override;

 private:
  Config config_;
};

// The factory the catalog registers for "breakpoint".
Result<std::unique_ptr<engine::Provisioner>> MakeBreakpoint(const tmpl::DecodedConfig& config);

}  // namespace kiln::provisioners::breakpoint
