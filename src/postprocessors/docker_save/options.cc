#include "postprocessors/docker_save/options.h"

namespace kiln::postprocessors::docker_save {

const tmpl::Schema& Options() {
  static const tmpl::Schema schema = {
      .type = "docker-save",
      .options = {{.name = "path"}},
  };
  return schema;
}

}  // namespace kiln::postprocessors::docker_save
