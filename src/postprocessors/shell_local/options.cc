#include "postprocessors/shell_local/options.h"

#include "postprocessors/shell_local/post_processor.h"
#include "provisioners/shell_local/options.h"

namespace kiln::postprocessors::shell_local {

const tmpl::Schema& Options() {
  static const tmpl::Schema schema = {
      .type = "shell-local",
      .includes = {&provisioners::shell_local::Options()},
      // Decode runs only the top schema's check.
      .check = provisioners::shell_local::Options().check,
      .prepare = tmpl::PrepareCheck(&Prepare),
  };
  return schema;
}

}  // namespace kiln::postprocessors::shell_local
