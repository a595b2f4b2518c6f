#include "provisioners/breakpoint/provisioner.h"

#include <fmt/format.h>

#include "ui/ui.h"

namespace kiln::provisioners::breakpoint {

Config Prepare(const tmpl::DecodedConfig& c) {
  Config config;
  if (c["note"].is_string()) config.note = c["note"].get<std::string>();
  config.disable = c["disable"].is_boolean() && c["disable"].get<bool>();
  return config;
}

Result<std::unique_ptr<engine::Provisioner>> MakeBreakpoint(const tmpl::DecodedConfig& config) {
  return std::make_unique<BreakpointProvisioner>(Prepare(config));
}

Result<void> BreakpointProvisioner::Provision(engine::BuildContext& ctx, engine::Communicator& comm) {
  (void)comm;
  ui::Ui& ui = *ctx.ui;
  if (config_.disable) {
    ui.Say(config_.note.empty() ? std::string("Breakpoint disabled; continuing")
                                : fmt::format("Breakpoint \"{}\" disabled; continuing", config_.note));
    return {};
  }
  ui.Say(config_.note.empty() ? std::string("Pausing at breakpoint")
                              : fmt::format("Pausing at breakpoint: \"{}\"", config_.note));
  // The prompt serialises questions across parallel builds; it returns
  // when a line is entered or stdin closes.
  if (ctx.prompt) ctx.prompt("Press enter to continue.");
  if (ctx.cancel != nullptr && ctx.cancel->cancelled())
    return std::unexpected(MakeError("breakpoint: cancelled while waiting for Enter"));
  return {};
}

}  // namespace kiln::provisioners::breakpoint
