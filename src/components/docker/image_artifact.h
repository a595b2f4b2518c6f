// What the docker builder and the docker post-processors share: Packer's
// builder ids for them, and their image artifact (Packer's ImportArtifact):
// a local image known by a name or id, with the repo:tag names a docker-tag
// gave it and, after docker-push, the digest the registry stored. Destroy
// removes the local image by that name.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "clients/docker/docker_api.h"
#include "engine/artifact.h"

namespace kiln::components::docker {

// The docker builder's id, carried by its export_path tar.
inline constexpr std::string_view kBuilderId = "packer.docker";
// docker-import's; a docker builder's commit carries it too, as in Packer,
// so that docker-tag, docker-push and docker-save take it like an import.
inline constexpr std::string_view kImportId = "packer.post-processor.docker-import";
inline constexpr std::string_view kTagId = "packer.post-processor.docker-tag";

struct ImageFacts {
  std::string builder_id;
  std::string id;                 // "repo:tag", a repository, or "sha256:…"
  std::vector<std::string> tags;  // docker_tags: "repo:tag" entries
  std::string digest;             // pushed manifest digest, "" if not pushed
  // The docker builder removes the image it committed even while a tag
  // names it; the post-processors' images go only when nothing else does.
  bool force_remove = false;
};

class ImageArtifact : public engine::Artifact {
 public:
  ImageArtifact(std::shared_ptr<clients::docker::DockerApi> api, ImageFacts facts)
      : api_(std::move(api)), facts_(std::move(facts)) {}

  std::string builder_id() const override { return facts_.builder_id; }
  std::string id() const override { return facts_.id; }
  std::vector<std::string> files() const override { return {}; }
  // "Imported Docker image: ID[ with tags A B][ (pushed, digest sha256:…)]".
  std::string Describe() const override;
  // "docker_tags" (a list of strings), "digest" (a string, when pushed),
  // "ImageSha256" (when the id is one).
  nlohmann::json State(const std::string& key) const override;
  Result<void> Destroy() override;

  const ImageFacts& facts() const { return facts_; }

 private:
  std::shared_ptr<clients::docker::DockerApi> api_;
  ImageFacts facts_;
};

// The "docker_tags" of any artifact (empty when it has none).
std::vector<std::string> DockerTags(const engine::Artifact& artifact);

}  // namespace kiln::components::docker
