// The compress post-processor's options: archives and/or compresses the
// artifact's files, the format taken from `format` or output's extension.
#pragma once

#include "template/schema.h"

namespace kiln::postprocessors::compress {

// `output` is deferred ({{.BuildName}}, {{.BuilderType}}); its default has no
// extension, which means tar + gzip. Packer reads compression_level 0 and -1
// as the default, 6, and lowers levels above 9 to 9 (a warning here).
// Check: output is a valid template, the format is one kiln writes (not
// bgzf), compression_level is at least -1.
const tmpl::Schema& Options();

}  // namespace kiln::postprocessors::compress
