#include "provisioners/shell_local/provisioner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>

#include <algorithm>

#include "provisioners/shell/provisioner.h"
#include "ui/output.h"
#include "ui/ui.h"
#include "util/subprocess.h"
#include "util/temp_dir.h"

namespace kiln::provisioners::shell_local {
namespace {

}  // namespace

std::string_view HostOs() {
#if defined(__linux__)
  return "linux";
#elif defined(__APPLE__)
  return "darwin";
#elif defined(__FreeBSD__)
  return "freebsd";
#elif defined(__OpenBSD__)
  return "openbsd";
#elif defined(__sun)
  return "solaris";
#else
  return "unknown";
#endif
}

Result<Config> Prepare(const tmpl::DecodedConfig& c) {
  Config config;
  config.inline_commands = c.Strings("inline");
  if (c.Given("command")) config.inline_commands = {c.String("command")};
  if (c.Given("script")) config.scripts.push_back(c.String("script"));
  for (std::string& s : c.Strings("scripts")) config.scripts.push_back(std::move(s));
  if (c.Given("execute_command")) config.execute_command = c.Strings("execute_command");
  config.inline_shebang = c.String("inline_shebang");
  config.only_on = c.Strings("only_on");
  config.environment_vars = c.Strings("environment_vars");
  if (c["env"].is_object())
    for (const auto& [k, v] : c["env"].items())
      if (v.is_string()) config.env[k] = v.get<std::string>();
  config.env_var_format = c.String("env_var_format");
  config.tempfile_extension = c.String("tempfile_extension");
  if (config.tempfile_extension.starts_with('.')) config.tempfile_extension.erase(0, 1);
  config.valid_exit_codes.clear();
  for (const nlohmann::json& v : c["valid_exit_codes"])
    if (v.is_number_integer()) config.valid_exit_codes.push_back(v.get<int>());
  if (config.valid_exit_codes.empty()) config.valid_exit_codes = {0};
  if (config.execute_command.empty())
    return std::unexpected(MakeError(c.At("execute_command"), "execute_command is empty",
                                     "give the program and its arguments, e.g. [\"/bin/sh\", \"-c\", "
                                     "\"{{.Vars}} {{.Script}}\"]"));
  return config;
}

Result<void> Run(const Config& config, engine::BuildContext& ctx) {
  ui::Ui& ui = *ctx.ui;
  if (!config.only_on.empty() && std::ranges::find(config.only_on, HostOs()) == config.only_on.end()) {
    ui.Say(fmt::format("Skipping shell-local: only_on does not list this system ({})", HostOs()));
    return {};
  }

  // command/inline: one temporary script, removed when we return.
  std::vector<std::string> scripts = config.scripts;
  TempFile inline_script;
  bool is_inline = scripts.empty();
  if (is_inline) {
    std::string suffix = config.tempfile_extension.empty() ? "" : "." + config.tempfile_extension;
    Result<TempFile> tf = TempFile::Create("packer-shell", suffix);
    if (!tf) return std::unexpected(tf.error());
    inline_script = std::move(*tf);
    std::string path = inline_script.path().string();
    Result<void> written = shell::WriteInlineScript(path, config.inline_shebang, config.inline_commands, ctx);
    if (!written) return written;
    ::chmod(path.c_str(), 0700);  // run directly by the default execute_command
    scripts.push_back(path);
  }

  // With the default command the variables go in the child's environment,
  // not on its command line (which `ps` shows to every user); {{.Vars}} is
  // then empty.
  const bool vars_in_env =
      config.execute_command == std::vector<std::string>{"/bin/sh", "-c", "{{.Vars}} {{.Script}}"} &&
      config.env_var_format == shell::kDefaultEnvVarFormat;
  std::string vars;
  std::vector<std::string> child_env;
  if (vars_in_env)
    for (const auto& [name, value] : shell::EnvVars(ctx, config.environment_vars, config.env, /*raw=*/true))
      child_env.push_back(name + "=" + value);
  else
    vars = shell::FlattenEnvVars(shell::EnvVars(ctx, config.environment_vars, config.env), config.env_var_format);
  std::string winrm_password;
  if (ctx.interp.build_values)
    if (auto it = ctx.interp.build_values->find("WinRMPassword"); it != ctx.interp.build_values->end())
      winrm_password = it->second;

  for (const std::string& script : scripts) {
    if (ctx.cancel != nullptr && ctx.cancel->cancelled()) return std::unexpected(MakeError("shell-local: cancelled"));
    std::string label = is_inline ? std::string("local inline script") : fmt::format("local script {}", script);

    std::vector<std::string> argv;
    for (const std::string& element : config.execute_command) {
      Result<std::string> rendered = shell::RenderWithData(
          element, ctx, {{"Vars", vars}, {"Script", script}, {"Command", script}, {"WinRMPassword", winrm_password}});
      if (!rendered) return std::unexpected(MakeError("cannot render execute_command", rendered.error().Message()));
      argv.push_back(std::move(*rendered));
    }
    ui.Say(fmt::format("Running local shell script: {}", script));
    ui::Log("shell-local: starting {}", fmt::join(argv, " "));

    Result<Subprocess> child = Subprocess::Start({.argv = argv, .env = child_env});
    if (!child) return std::unexpected(MakeError(fmt::format("cannot run {}", label), child.error().Message()));
    Result<int> status = child->Wait(
        ctx.cancel, [&](std::string_view line) { ui.Message(shell::CleanOutputLine(line)); },
        [&](std::string_view line) { ui.Error(shell::CleanOutputLine(line)); });
    if (!status) return std::unexpected(MakeError(fmt::format("{} stopped", label), status.error().Message()));
    if (std::ranges::find(config.valid_exit_codes, *status) == config.valid_exit_codes.end())
      return std::unexpected(MakeError(fmt::format("{} exited with status {} (allowed: {})", label, *status,
                                                   shell::JoinCodes(config.valid_exit_codes)),
                                       fmt::format("its output is above. If {} means success there, add it to "
                                                   "valid_exit_codes",
                                                   *status)));
  }
  return {};
}

Result<void> ShellLocalProvisioner::Provision(engine::BuildContext& ctx, engine::Communicator& comm) {
  (void)comm;
  return Run(config_, ctx);
}

Result<std::unique_ptr<engine::Provisioner>> MakeShellLocal(const tmpl::DecodedConfig& config) {
  Result<Config> c = Prepare(config);
  if (!c) return std::unexpected(c.error());
  return std::make_unique<ShellLocalProvisioner>(std::move(*c));
}

}  // namespace kiln::provisioners::shell_local
