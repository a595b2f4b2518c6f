// The file provisioner's options: files uploaded to the machine, or
// downloaded from it with direction "download".
#pragma once

#include "template/schema.h"

namespace kiln::provisioners::file {

// Check, as Packer: direction is upload or download; something to copy
// (source, sources or content); content excludes source and sources, which
// may be combined (source is appended to sources). An upload's sources must
// exist, relative to the working directory, unless `generated` is true.
const tmpl::Schema& Options();

}  // namespace kiln::provisioners::file
