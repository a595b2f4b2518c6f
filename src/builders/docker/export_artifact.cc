#include "builders/docker/export_artifact.h"

#include <fmt/format.h>

#include <system_error>

namespace kiln::builders::docker {

Result<void> ExportArtifact::Destroy() {
  std::error_code ec;
  std::filesystem::remove(path_, ec);
  if (ec) return std::unexpected(MakeError(fmt::format("removing {}", path_.string()), ec.message()));
  return {};
}

}  // namespace kiln::builders::docker
