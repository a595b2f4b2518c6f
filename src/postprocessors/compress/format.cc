#include "postprocessors/compress/format.h"

#include <optional>
#include <vector>

namespace kiln::postprocessors::compress {
namespace {

// Every ".ext" group, ext made of [a-z0-9]+, left to right.
std::vector<std::string> Extensions(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '.') continue;
    std::size_t j = i + 1;
    while (j < text.size() && ((text[j] >= 'a' && text[j] <= 'z') || (text[j] >= '0' && text[j] <= '9'))) ++j;
    if (j > i + 1) {
      out.emplace_back(text.substr(i + 1, j - i - 1));
      i = j - 1;
    }
  }
  return out;
}

std::optional<Filter> FilterFor(std::string_view ext) {
  if (ext == "gz") return Filter::kGzip;
  if (ext == "xz") return Filter::kXz;
  if (ext == "zst") return Filter::kZstd;
  if (ext == "bz2") return Filter::kBzip2;
  if (ext == "lz4") return Filter::kLz4;
  return std::nullopt;
}

}  // namespace

Result<Format> DetectFormat(std::string_view output, std::string_view format) {
  std::string text(output);
  if (!format.empty()) text += "." + std::string(format);
  std::vector<std::string> exts = Extensions(text);
  if (exts.empty()) return Format{};
  const std::string& last = exts.back();
  std::string before = exts.size() > 1 ? exts[exts.size() - 2] : "";
  if (last == "bgzf")
    return std::unexpected(MakeError("kiln cannot write bgzf archives",
                                     "use .gz (plain gzip, which bgzf readers also read) or another format"));
  if (last == "tar") return Format{Archive::kTar, Filter::kNone};
  if (last == "zip") return Format{Archive::kZip, Filter::kNone};
  if (last == "tgz") return Format{Archive::kTar, Filter::kGzip};
  if (std::optional<Filter> f = FilterFor(last))
    return Format{before == "tar" ? Archive::kTar : Archive::kNone, *f};
  return Format{};
}

std::string_view FilterName(Filter f) {
  switch (f) {
    case Filter::kNone: return "no compression";
    case Filter::kGzip: return "gzip";
    case Filter::kXz: return "xz";
    case Filter::kZstd: return "zstd";
    case Filter::kBzip2: return "bzip2";
    case Filter::kLz4: return "lz4";
  }
  return "";
}

}  // namespace kiln::postprocessors::compress
