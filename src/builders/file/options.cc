#include "builders/file/options.h"

namespace kiln::builders::file {
namespace {

void Check(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  if (c.Given("source") && c.Given("content"))
    diags.push_back(MakeError(c.where, "only one of source or content may be set",
                              "use source to copy a file, or content to write the text given"));
  if (!c.Given("source") && !c.Given("content")) {
    Error warning = MakeError(c.where, "neither source nor content is set: target will be empty",
                              "set source to a file to copy, or content to the text to write");
    warning.warning = true;
    diags.push_back(std::move(warning));
  }
}

}  // namespace

const tmpl::Schema& Options() {
  static const tmpl::Schema schema = {
      .type = "file",
      .options = {
          {.name = "target", .required = true},
          {.name = "source"},
          {.name = "content"},
      },
      .check = Check,
  };
  return schema;
}

}  // namespace kiln::builders::file
