#include "postprocessors/artifice/options.h"

namespace kiln::postprocessors::artifice {
namespace {

void Check(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  if (c["files"].empty())
    diags.push_back(MakeError(c.At("files"), "files must list at least one file",
                              "name the files that make up the new artifact, e.g. ones a provisioner downloaded"));
}

}  // namespace

const tmpl::Schema& Options() {
  static const tmpl::Schema schema = {
      .type = "artifice",
      .options = {{.name = "files", .kind = tmpl::OptionKind::kStringList}},
      .check = Check,
  };
  return schema;
}

}  // namespace kiln::postprocessors::artifice
