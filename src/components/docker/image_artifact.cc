#include "components/docker/image_artifact.h"

#include <fmt/format.h>

namespace kiln::components::docker {

std::string ImageArtifact::Describe() const {
  std::string text = "Imported Docker image: " + facts_.id;
  if (!facts_.tags.empty()) text += fmt::format(" with tags {}", fmt::join(facts_.tags, " "));
  if (!facts_.digest.empty()) text += fmt::format(" (pushed, digest {})", facts_.digest);
  return text;
}

nlohmann::json ImageArtifact::State(const std::string& key) const {
  if (key == "docker_tags") return facts_.tags;
  if (key == "digest" && !facts_.digest.empty()) return facts_.digest;
  if (key == "ImageSha256" && facts_.id.starts_with("sha256:")) return facts_.id;
  return nullptr;
}

Result<void> ImageArtifact::Destroy() { return api_->ImageRemove(facts_.id, facts_.force_remove); }

std::vector<std::string> DockerTags(const engine::Artifact& artifact) {
  std::vector<std::string> tags;
  nlohmann::json state = artifact.State("docker_tags");
  if (state.is_array())
    for (const nlohmann::json& t : state)
      if (t.is_string()) tags.push_back(t.get<std::string>());
  return tags;
}

}  // namespace kiln::components::docker
