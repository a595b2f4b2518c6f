#include "postprocessors/docker_import/options.h"

#include <fmt/format.h>

#include "builders/docker/config.h"

namespace kiln::postprocessors::docker_import {
namespace {

// The engine's import applies `changes` as commit does, so the same
// Dockerfile instructions are allowed; kiln says so before the build.
void Check(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  const nlohmann::json& changes = c["changes"];
  for (std::size_t i = 0; changes.is_array() && i < changes.size(); ++i)
    if (changes[i].is_string() && !builders::docker::IsAllowedChange(changes[i].get<std::string>()))
      diags.push_back(MakeError(c.At(fmt::format("changes[{}]", i)),
                                fmt::format("change '{}' is not allowed", changes[i].get<std::string>()),
                                "changes may use CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, "
                                "WORKDIR and MAINTAINER"));
}

}  // namespace

const tmpl::Schema& Options() {
  using enum tmpl::OptionKind;
  static const tmpl::Schema schema = {
      .type = "docker-import",
      .options = {
          {.name = "repository"},
          {.name = "tag"},  // one tag, a string (unlike docker-tag's)
          {.name = "changes", .kind = kStringList},
          {.name = "platform"},
      },
      .check = Check,
  };
  return schema;
}

}  // namespace kiln::postprocessors::docker_import
