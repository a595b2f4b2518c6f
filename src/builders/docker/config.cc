#include "builders/docker/config.h"

#include <fmt/format.h>

#include <algorithm>

namespace kiln::builders::docker {
bool IsAllowedChange(std::string_view change) {
  static constexpr std::string_view kInstructions[] = {"CMD",     "ENTRYPOINT", "ENV",  "EXPOSE", "LABEL",
                                                       "ONBUILD", "USER",       "VOLUME", "WORKDIR", "MAINTAINER"};
  std::string word(change.substr(0, change.find_first_of(" \t")));
  std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::toupper(c); });
  return std::find(std::begin(kInstructions), std::end(kInstructions), word) != std::end(kInstructions);
}

Result<Config> Prepare(const tmpl::DecodedConfig& c) {
  Config config{
      .image = c.String("image"),
      .pull = c.Bool("pull"),
      .commit = c.Bool("commit"),
      .discard = c.Bool("discard"),
      .export_path = c.String("export_path"),
      .author = c.String("author"),
      .message = c.String("message"),
      .changes = c.Strings("changes"),
      .run_command = c.Strings("run_command"),
      .container_dir = c.String("container_dir"),
      .devices = c.Strings("device"),
      .cap_add = c.Strings("cap_add"),
      .cap_drop = c.Strings("cap_drop"),
      .privileged = c.Bool("privileged"),
      .runtime = c.String("runtime"),
      .platform = c.String("platform"),
      .tmpfs = c.Strings("tmpfs"),
      .exec_user = c.String("exec_user"),
      .fix_upload_owner = c.Bool("fix_upload_owner"),
      .login = c.Bool("login"),
      .login_server = c.String("login_server"),
      .login_username = c.String("login_username"),
      .login_password = c.String("login_password"),
  };
  if (c["volumes"].is_object())
    for (const auto& [host, container] : c["volumes"].items())
      if (container.is_string()) config.volumes[host] = container.get<std::string>();
  return config;
}

Result<RunSpec> ParseRunCommand(const std::vector<std::string>& args, const std::string& image) {
  RunSpec spec;
  auto fail = [](std::string what) {
    return std::unexpected(MakeError(std::move(what), "run_command takes `docker run` flags: -d, -i, -t, "
                                                      "--entrypoint, -e, -v, -u, -w, -l, --privileged, "
                                                      "--cap-add, --cap-drop, --network, then the image"));
  };
  std::size_t i = 0;
  // A flag's value: "--flag=v", "--flag v" or "-fv".
  auto value = [&](std::string_view arg, std::string_view name) -> std::optional<std::string> {
    if (arg.size() > name.size() && arg.starts_with(name) && arg[name.size()] == '=')
      return std::string(arg.substr(name.size() + 1));
    if (arg == name && i + 1 < args.size()) return args[++i];
    return std::nullopt;
  };
  for (; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (!arg.starts_with("-")) break;
    // Short boolean flags may be combined: -dit.
    if (!arg.starts_with("--") && arg.size() > 1 && arg.find_first_not_of("dit", 1) == std::string_view::npos) {
      for (char f : arg.substr(1)) {
        if (f == 't') spec.tty = true;
        if (f == 'i') spec.interactive = true;
      }
      continue;
    }
    if (arg == "--detach" || arg == "--rm") continue;  // kiln always detaches and removes
    if (arg == "--tty") spec.tty = true;
    else if (arg == "--interactive") spec.interactive = true;
    else if (arg == "--privileged") spec.privileged = true;
    else if (auto v = value(arg, "--entrypoint")) spec.entrypoint = *v;
    else if (auto v = value(arg, "-e")) spec.env.push_back(*v);
    else if (auto v = value(arg, "--env")) spec.env.push_back(*v);
    else if (auto v = value(arg, "-v")) spec.binds.push_back(*v);
    else if (auto v = value(arg, "--volume")) spec.binds.push_back(*v);
    else if (auto v = value(arg, "-u")) spec.user = *v;
    else if (auto v = value(arg, "--user")) spec.user = *v;
    else if (auto v = value(arg, "-w")) spec.workdir = *v;
    else if (auto v = value(arg, "--workdir")) spec.workdir = *v;
    else if (auto v = value(arg, "--cap-add")) spec.cap_add.push_back(*v);
    else if (auto v = value(arg, "--cap-drop")) spec.cap_drop.push_back(*v);
    else if (auto v = value(arg, "--network")) spec.network = *v;
    else if (auto v = value(arg, "--net")) spec.network = *v;
    else if (auto v = value(arg, "-l").or_else([&] { return value(arg, "--label"); })) {
      std::size_t eq = v->find('=');
      spec.labels[v->substr(0, eq)] = eq == std::string::npos ? "" : v->substr(eq + 1);
    } else {
      return fail(fmt::format("run_command: unsupported flag '{}'", arg));
    }
  }
  if (i >= args.size()) return fail("run_command: the image is missing; end it with \"{{.Image}}\"");
  if (args[i] != image)
    return fail(fmt::format("run_command: expected the image '{}' after the flags, found '{}'", image, args[i]));
  spec.command.assign(args.begin() + i + 1, args.end());
  return spec;
}

}  // namespace kiln::builders::docker
