#include "postprocessors/docker_import/options.h"

namespace kiln::postprocessors::docker_import {

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
  };
  return schema;
}

}  // namespace kiln::postprocessors::docker_import
