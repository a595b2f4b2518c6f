#include "provisioners/breakpoint/options.h"

namespace kiln::provisioners::breakpoint {

const tmpl::Schema& Options() {
  static const tmpl::Schema schema = {
      .type = "breakpoint",
      .options = {
          {.name = "note"},
          {.name = "disable", .kind = tmpl::OptionKind::kBool},
      },
  };
  return schema;
}

}  // namespace kiln::provisioners::breakpoint
