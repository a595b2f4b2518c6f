// What a builder or post-processor produced: an image ID, files on disk.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace kiln::engine {

class Artifact {
 public:
  virtual ~Artifact() = default;
  // Who made it, as Packer names it ("packer.docker", "packer.post-processor.docker-tag").
  virtual std::string builder_id() const = 0;
  virtual std::string id() const = 0;
  virtual std::vector<std::string> files() const = 0;
  // One line for the summary: "Imported Docker image: sha256:...".
  virtual std::string Describe() const = 0;
  // Extra facts post-processors read (e.g. "ImageSha256"); null if none.
  virtual nlohmann::json State(const std::string& key) const {
    (void)key;
    return nullptr;
  }
  // Removes what the artifact stands for (an intermediate image, a file).
  virtual Result<void> Destroy() = 0;
};

}  // namespace kiln::engine
