#include "builders/docker/artifact.h"

#include <fmt/format.h>

#include <system_error>

namespace kiln::builders::docker {

nlohmann::json ImageArtifact::State(const std::string& key) const {
  if (key == "ImageSha256") return image_id_;
  return nullptr;
}

Result<void> ExportArtifact::Destroy() {
  std::error_code ec;
  std::filesystem::remove(path_, ec);
  if (ec) return std::unexpected(MakeError(fmt::format("removing {}", path_.string()), ec.message()));
  return {};
}

}  // namespace kiln::builders::docker
