#include "postprocessors/compress/options.h"

namespace kiln::postprocessors::compress {

const tmpl::Schema& Options() {
  using enum tmpl::OptionKind;
  static const tmpl::Schema schema = {
      .type = "compress",
      .options = {
          {.name = "output", .default_value = "packer_{{.BuildName}}_{{.BuilderType}}", .deferred = true},
          {.name = "format"},
          {.name = "compression_level", .kind = kInt, .default_value = 6},
      },
  };
  return schema;
}

}  // namespace kiln::postprocessors::compress
