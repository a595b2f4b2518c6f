#include "postprocessors/docker_tag/options.h"

namespace kiln::postprocessors::docker_tag {

const tmpl::Schema& Options() {
  using enum tmpl::OptionKind;
  static const tmpl::Schema schema = {
      .type = "docker-tag",
      .options = {
          {.name = "repository"},
          {.name = "tags", .kind = kStringList},
          {.name = "tag", .kind = kStringList, .replaced_by = "tags"},
          {.name = "force", .kind = kBool},
      },
  };
  return schema;
}

}  // namespace kiln::postprocessors::docker_tag
