#include "postprocessors/manifest/options.h"

namespace kiln::postprocessors::manifest {

const tmpl::Schema& Options() {
  using enum tmpl::OptionKind;
  static const tmpl::Schema schema = {
      .type = "manifest",
      .options = {
          {.name = "output", .default_value = "packer-manifest.json"},
          {.name = "strip_path", .kind = kBool},
          {.name = "strip_time", .kind = kBool},
          {.name = "custom_data", .kind = kStringMap},
      },
  };
  return schema;
}

}  // namespace kiln::postprocessors::manifest
