// The artifact of the docker post-processors (Packer's ImportArtifact): a
// local image known by a name or id, with the repo:tag names a docker-tag
// gave it and, after docker-push, the digest the registry stored. Destroy
// removes the local image by that name.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "clients/docker/docker_api.h"
#include "engine/artifact.h"

namespace kiln::postprocessors::docker_common {

// Builder ids as Packer names them. A docker builder with commit gives an
// artifact with kImportId, as Packer's does.
inline constexpr std::string_view kDockerBuilderId = "packer.docker";
inline constexpr std::string_view kImportId = "packer.post-processor.docker-import";
inline constexpr std::string_view kTagId = "packer.post-processor.docker-tag";
inline constexpr std::string_view kArtificeId = "packer.post-processor.artifice";

struct ImageFacts {
  std::string builder_id;
  std::string id;                 // "repo:tag", a repository, or "sha256:…"
  std::vector<std::string> tags;  // docker_tags: "repo:tag" entries
  std::string digest;             // pushed manifest digest, "" if not pushed
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
  // "docker_tags" (a list of strings), "digest" (a string, when pushed).
  nlohmann::json State(const std::string& key) const override;
  Result<void> Destroy() override;

  const ImageFacts& facts() const { return facts_; }

 private:
  std::shared_ptr<clients::docker::DockerApi> api_;
  ImageFacts facts_;
};

// The "docker_tags" of any artifact (empty when it has none).
std::vector<std::string> DockerTags(const engine::Artifact& artifact);

// "Unknown artifact type: ID" with what `what` accepts, as Packer words it.
Error UnknownArtifact(const engine::Artifact& artifact, std::string_view accepts);

// How the docker post-processors reach the engine; tests pass a double.
using ApiFactory = std::function<Result<std::shared_ptr<clients::docker::DockerApi>>()>;
// The local engine from DOCKER_HOST (default the unix socket).
Result<std::shared_ptr<clients::docker::DockerApi>> ConnectToEngine();

}  // namespace kiln::postprocessors::docker_common
