#include "postprocessors/common/artifacts.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <system_error>

namespace kiln::postprocessors {

std::string FilesArtifact::Describe() const {
  return fmt::format("Created artifact from files: {}", fmt::join(files_, ", "));
}

Result<void> FilesArtifact::Destroy() {
  for (const std::string& file : files_) {
    std::error_code ec;
    std::filesystem::remove_all(file, ec);
    if (ec) return std::unexpected(MakeError(fmt::format("cannot remove {}", file), ec.message()));
  }
  return {};
}

}  // namespace kiln::postprocessors
