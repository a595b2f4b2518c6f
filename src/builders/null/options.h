// The null builder's options: only the communicator's. It builds nothing and
// connects to an existing machine, so it needs a host and credentials unless
// `communicator` is "none".
#pragma once

#include "template/schema.h"

namespace kiln::builders::null {

const tmpl::Schema& Options();

}  // namespace kiln::builders::null
