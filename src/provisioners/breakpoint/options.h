// The breakpoint provisioner's options: it pauses the build until Enter is
// pressed, showing `note`, unless `disable` is true.
#pragma once

#include "template/schema.h"

namespace kiln::provisioners::breakpoint {

const tmpl::Schema& Options();

}  // namespace kiln::provisioners::breakpoint
