#include "postprocessors/docker_common/image_artifact.h"

#include <fmt/format.h>

#include "clients/docker/engine_client.h"

namespace kiln::postprocessors::docker_common {

std::string ImageArtifact::Describe() const {
  std::string text = "Imported Docker image: " + facts_.id;
  if (!facts_.tags.empty()) text += fmt::format(" with tags {}", fmt::join(facts_.tags, " "));
  if (!facts_.digest.empty()) text += fmt::format(" (pushed, digest {})", facts_.digest);
  return text;
}

nlohmann::json ImageArtifact::State(const std::string& key) const {
  if (key == "docker_tags") return facts_.tags;
  if (key == "digest" && !facts_.digest.empty()) return facts_.digest;
  return nullptr;
}

Result<void> ImageArtifact::Destroy() { return api_->ImageRemove(facts_.id, /*force=*/false); }

std::vector<std::string> DockerTags(const engine::Artifact& artifact) {
  std::vector<std::string> tags;
  nlohmann::json state = artifact.State("docker_tags");
  if (state.is_array())
    for (const nlohmann::json& t : state)
      if (t.is_string()) tags.push_back(t.get<std::string>());
  return tags;
}

Error UnknownArtifact(const engine::Artifact& artifact, std::string_view accepts) {
  return MakeError(fmt::format("Unknown artifact type: {}", artifact.builder_id()), std::string(accepts));
}

Result<std::shared_ptr<clients::docker::DockerApi>> ConnectToEngine() {
  Result<clients::docker::EngineClient> client = clients::docker::EngineClient::FromEnv();
  if (!client) return std::unexpected(client.error());
  return std::make_shared<clients::docker::EngineClient>(std::move(*client));
}

}  // namespace kiln::postprocessors::docker_common
