#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "builders/amazon_ebs/steps.h"
#include "ui/output.h"

namespace kiln::builders::amazon_ebs {

engine::StepAction StepKeyPair::Run(State& state) {
  const Config& c = state.config;
  ui::Ui& ui = *state.ctx->ui;
  if (!c.ssh_private_key_file.empty()) {
    std::ifstream in(c.ssh_private_key_file);
    if (!in)
      return state.Halt(MakeError(fmt::format("cannot read ssh_private_key_file {}", c.ssh_private_key_file)));
    std::ostringstream s;
    s << in.rdbuf();
    state.private_key = s.str();
    state.key_pair_name = c.ssh_keypair_name;  // may be empty: the AMI already trusts the key
    if (!c.ssh_keypair_name.empty()) ui.Say(fmt::format("Using existing SSH key pair {}", c.ssh_keypair_name));
    return engine::StepAction::kContinue;
  }
  if (!c.ssh_keypair_name.empty() || !c.ssh_password.empty()) {
    state.key_pair_name = c.ssh_keypair_name;
    return engine::StepAction::kContinue;
  }
  std::string name = c.temporary_key_pair_name.empty() ? "kiln_" + state.run_id : c.temporary_key_pair_name;
  ui.Say(fmt::format("Creating temporary keypair: {}", name));
  clients::aws::Params p{{"KeyName", name}};
  if (c.temporary_key_pair_type != "rsa") p.emplace_back("KeyType", c.temporary_key_pair_type);
  // Finished even if the build is cancelled meanwhile, so the key pair is
  // known to exist (or not) and the cleanup deletes it.
  clients::aws::ApiResult<clients::aws::Xml> xml = state.ec2->CallToCompletion("CreateKeyPair", p, state.cancel());
  if (!xml && xml.error().cancelled()) return Fail(state, xml.error());  // never sent
  // Set before checking: a key pair whose creation failed half-way (or
  // whose answer was lost) is still deleted by name.
  state.key_pair_name = name;
  created_ = true;
  state.ctx->Made("key pair " + name);
  if (!xml) return Fail(state, xml.error());
  state.private_key = xml->root().child_value("keyMaterial");
  ui::Output::Process().AddSecret(state.private_key);
  state.ctx->SetBuildValue("SSHPrivateKey", state.private_key);
  return engine::StepAction::kContinue;
}

void StepKeyPair::Cleanup(State& state) {
  if (!std::exchange(created_, false)) return;
  state.ctx->ui->Say("Deleting temporary keypair...");
  clients::aws::ApiResult<clients::aws::Xml> r =
      state.ec2->Call("DeleteKeyPair", {{"KeyName", state.key_pair_name}}, state.cleanup_token);
  if (r) state.ctx->Removed("key pair " + state.key_pair_name);
  if (!r)
    state.ctx->ui->Error(fmt::format("could not delete key pair {}: {} (delete it with: aws ec2 delete-key-pair "
                                     "--key-name {})",
                                     state.key_pair_name, r.error().ToError().Message(), state.key_pair_name));
}

std::optional<std::string> StepKeyPair::Leftover(const State& state) const {
  if (!created_) return std::nullopt;
  return fmt::format("key pair {} (aws ec2 delete-key-pair --key-name {})", state.key_pair_name, state.key_pair_name);
}

}  // namespace kiln::builders::amazon_ebs
