// The checksum post-processor's options: writes one checksum file per type
// for the artifact's files.
#pragma once

#include "template/schema.h"

namespace kiln::postprocessors::checksum {

// `output` is deferred ({{.BuildName}}, {{.BuilderType}}, {{.ChecksumType}}).
// Check: checksum_types are md5, sha1, sha224, sha256, sha384 or sha512.
const tmpl::Schema& Options();

}  // namespace kiln::postprocessors::checksum
