#include <fmt/format.h>

#include "builders/amazon_ebs/steps.h"
#include "communicators/none/communicator.h"

namespace kiln::builders::amazon_ebs {
namespace {

// ssh_host, else the address ssh_interface names, else the first the
// instance has of public IP, public DNS, private IP.
std::string SshAddress(const Config& c, const clients::aws::Instance& i) {
  if (!c.ssh.host.empty()) return c.ssh.host;
  if (c.ssh_interface == "public_ip") return i.public_ip;
  if (c.ssh_interface == "private_ip") return i.private_ip;
  if (c.ssh_interface == "public_dns") return i.public_dns;
  if (c.ssh_interface == "private_dns") return i.private_dns;
  for (const std::string* a : {&i.public_ip, &i.public_dns, &i.private_ip})
    if (!a->empty()) return *a;
  return {};
}

}  // namespace

engine::StepAction StepProvision::Run(State& state) {
  engine::BuildContext& ctx = *state.ctx;
  const Config& c = state.config;
  std::unique_ptr<engine::Communicator> comm;
  if (c.communicator == "none") {
    ctx.SetBuildValue("ConnType", "none");
    comm = std::make_unique<communicators::none::NoneCommunicator>();
  } else {
    communicators::ssh::Config ssh = c.ssh;
    ssh.host = SshAddress(c, state.instance);
    // The temporary key pair's private key, when no key file is given.
    if (ssh.credentials.private_key_file.empty()) ssh.credentials.private_key = state.private_key;
    if (ssh.host.empty())
      return state.Halt(MakeError(fmt::format("instance {} has no address to connect to", state.instance.id),
                                  "set ssh_interface, associate_public_ip_address or ssh_host"));
    communicators::ssh::RegisterSecrets(ssh);
    ctx.SetBuildValue("Host", ssh.host);
    ctx.SetBuildValue("Port", std::to_string(ssh.port));
    ctx.SetBuildValue("User", ssh.credentials.username);
    ctx.SetBuildValue("Password", ssh.credentials.password);
    ctx.SetBuildValue("ConnType", "ssh");
    Result<std::unique_ptr<engine::Communicator>> connected = state.connect(ssh, *ctx.ui, state.cancel());
    if (!connected) return state.Halt(connected.error());
    comm = std::move(*connected);
  }
  Result<void> provisioned = state.hook->Run(ctx, *comm);
  if (provisioned) return engine::StepAction::kContinue;
  if (ctx.on_error == engine::OnError::kRunCleanupProvisioner && !ctx.cancel->cancelled())
    state.hook->RunErrorCleanup(ctx, *comm);
  return state.Halt(provisioned.error());
}

}  // namespace kiln::builders::amazon_ebs
