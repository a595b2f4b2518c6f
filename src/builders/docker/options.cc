#include "builders/docker/options.h"

#include "builders/docker/config.h"

#include <fmt/format.h>

#include "communicators/ssh/options.h"

namespace kiln::builders::docker {
namespace {

using enum tmpl::OptionKind;

void Check(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  // What happens to the container at the end: Packer takes exactly one.
  std::vector<std::string_view> modes;
  for (std::string_view name : {"commit", "discard", "export_path"})
    if (c.Given(name)) modes.push_back(name);
  if (modes.empty())
    diags.push_back(MakeError(c.where, "exactly one of commit, discard or export_path must be set",
                              "set \"commit\": true to keep the container as an image, \"discard\": true to drop it, "
                              "or \"export_path\" to save its filesystem as a tar file"));
  if (modes.size() > 1)
    diags.push_back(MakeError(c.where, "exactly one of commit, discard or export_path must be set",
                              fmt::format("{} and {} are both set; keep one", modes[0], modes[1])));
  const nlohmann::json& changes = c["changes"];
  for (std::size_t i = 0; changes.is_array() && i < changes.size(); ++i)
    if (changes[i].is_string() && !IsAllowedChange(changes[i].get<std::string>()))
      diags.push_back(MakeError(c.At(fmt::format("changes[{}]", i)),
                                fmt::format("change '{}' is not allowed", changes[i].get<std::string>()),
                                "changes may use CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, "
                                "WORKDIR and MAINTAINER"));
  if (c.Given("ecr_login") && !c.Given("login_server"))
    diags.push_back(MakeError(c.At("ecr_login"), "ecr_login needs login_server",
                              "set login_server to the registry, e.g. \"<account>.dkr.ecr.<region>.amazonaws.com\""));
  communicators::ssh::Check(c, diags);
}

}  // namespace

const tmpl::Schema& EcrOptions() {
  static const tmpl::Schema schema = {
      .type = "ecr",
      .options = {
          {.name = "aws_access_key"},
          {.name = "aws_secret_key"},
          {.name = "aws_token"},
          {.name = "aws_profile"},
      },
  };
  return schema;
}

const tmpl::Schema& Options() {
  static const tmpl::Schema schema = {
      .type = "docker",
      .options = {
          {.name = "communicator", .default_value = "docker"},
          {.name = "image", .required = true},
          {.name = "pull", .kind = kBool, .default_value = true},
          {.name = "commit", .kind = kBool},
          {.name = "discard", .kind = kBool},
          {.name = "export_path"},
          {.name = "message"},
          {.name = "author"},
          {.name = "changes", .kind = kStringList},
          {.name = "run_command",
           .kind = kStringList,
           .default_value = nlohmann::json::array({"-d", "-i", "-t", "--entrypoint=/bin/sh", "--", "{{.Image}}"}),
           .deferred = true},
          {.name = "volumes", .kind = kStringMap},
          {.name = "container_dir", .default_value = "/packer-files"},
          {.name = "device", .kind = kStringList},
          {.name = "cap_add", .kind = kStringList},
          {.name = "cap_drop", .kind = kStringList},
          {.name = "privileged", .kind = kBool},
          {.name = "runtime"},
          {.name = "platform"},
          {.name = "tmpfs", .kind = kStringList},
          {.name = "exec_user"},
          {.name = "fix_upload_owner", .kind = kBool, .default_value = true},
          {.name = "windows_container", .kind = kBool},
          {.name = "login", .kind = kBool},
          {.name = "login_server"},
          {.name = "login_username"},
          {.name = "login_password"},
          {.name = "ecr_login", .kind = kBool},
      },
      .includes = {&EcrOptions(), &communicators::ssh::Options()},
      .build_values = {"ImageSha256"},
      .check = Check,
      .prepare = tmpl::PrepareCheck(&Prepare),
  };
  return schema;
}

}  // namespace kiln::builders::docker
