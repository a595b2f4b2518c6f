// Which archive and compression the compress post-processor writes, read
// from `output` (and `format`) as Packer reads it: the last two ".ext"
// groups of lowercase letters and digits. "x.tar.gz" is tar + gzip, "x.zip"
// zip, "x.tar" tar alone, "x.gz" one file compressed; no extension, or one
// kiln does not know, means tar + gzip. Besides Packer's gz, xz and lz4,
// kiln reads zst and bz2; tgz is tar + gzip.
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace kiln::postprocessors::compress {

enum class Archive { kNone, kTar, kZip };
enum class Filter { kNone, kGzip, kXz, kZstd, kBzip2, kLz4 };

struct Format {
  Archive archive = Archive::kTar;
  Filter filter = Filter::kGzip;
};

// Errors only for bgzf, which Packer writes and kiln does not.
Result<Format> DetectFormat(std::string_view output, std::string_view format);

std::string_view FilterName(Filter f);  // "gzip", "xz", ... "no compression"

}  // namespace kiln::postprocessors::compress
