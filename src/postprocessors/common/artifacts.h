// Artifacts the file post-processors hand on.
//
// FilesArtifact: a list of files on disk (checksum, artifice); Destroy
// removes every one of them, as Packer does.
// PassThroughArtifact: the input artifact again (manifest, shell-local
// return their input, as Packer does); every call goes to the input, which
// must outlive it. The engine guarantees that: these post-processors force
// their input to be kept, so it sits in the build's results.
#pragma once

#include <string>
#include <vector>

#include "engine/artifact.h"

namespace kiln::postprocessors {

class FilesArtifact : public engine::Artifact {
 public:
  FilesArtifact(std::string builder_id, std::vector<std::string> files)
      : builder_id_(std::move(builder_id)), files_(std::move(files)) {}
  std::string builder_id() const override { return builder_id_; }
  std::string id() const override { return ""; }
  std::vector<std::string> files() const override { return files_; }
  // "Created artifact from files: a, b", as Packer says it.
  std::string Describe() const override;
  // Removes each file (a directory with its contents); stops at the first
  // failure, naming the file.
  Result<void> Destroy() override;

 private:
  std::string builder_id_;
  std::vector<std::string> files_;
};

class PassThroughArtifact : public engine::Artifact {
 public:
  explicit PassThroughArtifact(engine::Artifact& input) : input_(&input) {}
  std::string builder_id() const override { return input_->builder_id(); }
  std::string id() const override { return input_->id(); }
  std::vector<std::string> files() const override { return input_->files(); }
  std::string Describe() const override { return input_->Describe(); }
  nlohmann::json State(const std::string& key) const override { return input_->State(key); }
  Result<void> Destroy() override { return input_->Destroy(); }

 private:
  engine::Artifact* input_;
};

}  // namespace kiln::postprocessors
