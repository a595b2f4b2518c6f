#include "builders/null/options.h"

#include <fmt/format.h>

#include "builders/null/builder.h"
#include "communicators/ssh/options.h"

namespace kiln::builders::null {
namespace {

// The null builder connects to a machine that already exists, so it needs
// its address and a way to log in. The communicator check has already asked
// for ssh_username or winrm_username and rejected unknown types.
void Check(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  communicators::ssh::Check(c, diags);
  const nlohmann::json& type = c["communicator"];
  if (type == "none") return;
  bool ssh = type == "ssh", winrm = type == "winrm";
  if (!ssh && !winrm) {
    // Packer takes docker here too, then finds no host, user or password.
    if (type == "docker" || type == "dockerWindowsContainer")
      diags.push_back(MakeError(c.At("communicator"),
                                fmt::format("the null builder cannot use communicator '{}'", type.get<std::string>()),
                                "use ssh or winrm to reach an existing machine, or none to connect to nothing"));
    return;
  }
  if (!c.Given(ssh ? "ssh_host" : "winrm_host"))
    diags.push_back(MakeError(c.where, fmt::format("{} must be set", ssh ? "ssh_host" : "winrm_host"),
                              "the null builder connects to an existing machine at this address"));
  bool password = c.Given(ssh ? "ssh_password" : "winrm_password");
  if (!c.Given("ssh_agent_auth") && !password && !c.Given("ssh_private_key_file"))
    diags.push_back(MakeError(c.where, "no authentication method is set",
                              ssh ? "set one of ssh_password, ssh_private_key_file or ssh_agent_auth"
                                  : "set winrm_password"));
  int methods = c.Given("ssh_agent_auth") + c.Given("ssh_password") + c.Given("ssh_private_key_file");
  if (methods > 1)
    diags.push_back(MakeError(c.where, "only one of ssh_agent_auth, ssh_password or ssh_private_key_file may be set",
                              "keep the one authentication method to use"));
}

}  // namespace

const tmpl::Schema& Options() {
  static const tmpl::Schema schema = {
      .type = "null",
      .includes = {&communicators::ssh::Options()},
      .check = Check,
      .prepare = tmpl::PrepareCheck(&Prepare),
  };
  return schema;
}

}  // namespace kiln::builders::null
