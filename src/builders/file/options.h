// The "file" builder's options: it writes `target` from `source` (a file to
// copy) or `content` (the text itself).
#pragma once

#include "template/schema.h"

namespace kiln::builders::file {

// Check: source and content exclude each other; neither is only a warning
// (the target is created empty), as in Packer.
const tmpl::Schema& Options();

}  // namespace kiln::builders::file
