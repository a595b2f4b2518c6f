// The docker builder's artifacts: a committed image, or an exported tar.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "builders/docker/driver.h"
#include "engine/artifact.h"

namespace kiln::builders::docker {

inline constexpr std::string_view kBuilderId = "packer.docker";
// A committed image carries docker-import's id, as in Packer, so that
// docker-tag, docker-push and docker-save take it like an imported one.
inline constexpr std::string_view kImportBuilderId = "packer.post-processor.docker-import";

class ImageArtifact : public engine::Artifact {
 public:
  ImageArtifact(std::shared_ptr<Driver> driver, std::string image_id)
      : driver_(std::move(driver)), image_id_(std::move(image_id)) {}
  std::string builder_id() const override { return std::string(kImportBuilderId); }
  std::string id() const override { return image_id_; }
  std::vector<std::string> files() const override { return {}; }
  std::string Describe() const override { return "Imported Docker image: " + image_id_; }
  nlohmann::json State(const std::string& key) const override;
  Result<void> Destroy() override { return driver_->RemoveImage(image_id_); }

 private:
  std::shared_ptr<Driver> driver_;
  std::string image_id_;
};

class ExportArtifact : public engine::Artifact {
 public:
  explicit ExportArtifact(std::filesystem::path path) : path_(std::move(path)) {}
  std::string builder_id() const override { return std::string(kBuilderId); }
  std::string id() const override { return path_.string(); }
  std::vector<std::string> files() const override { return {path_.string()}; }
  std::string Describe() const override { return "Exported Docker file: " + path_.string(); }
  Result<void> Destroy() override;

 private:
  std::filesystem::path path_;
};

}  // namespace kiln::builders::docker
