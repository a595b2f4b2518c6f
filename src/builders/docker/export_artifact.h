// The docker builder's artifact with export_path: the container's filesystem
// as a tar on disk (builder id packer.docker). Destroy deletes the file. A
// committed image is a components/docker ImageArtifact instead.
#pragma once

#include <filesystem>
#include <string>

#include "components/docker/image_artifact.h"
#include "engine/artifact.h"

namespace kiln::builders::docker {

class ExportArtifact : public engine::Artifact {
 public:
  explicit ExportArtifact(std::filesystem::path path) : path_(std::move(path)) {}
  std::string builder_id() const override { return std::string(components::docker::kBuilderId); }
  std::string id() const override { return path_.string(); }
  std::vector<std::string> files() const override { return {path_.string()}; }
  std::string Describe() const override { return "Exported Docker file: " + path_.string(); }
  Result<void> Destroy() override;

 private:
  std::filesystem::path path_;
};

}  // namespace kiln::builders::docker
