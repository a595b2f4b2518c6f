// What the null builder leaves: nothing, said the way Packer says it.
#pragma once

#include "engine/artifact.h"

namespace kiln::builders::null {

class NullArtifact : public engine::Artifact {
 public:
  std::string builder_id() const override { return "fnoeding.null"; }
  std::string id() const override { return "Null"; }
  std::vector<std::string> files() const override { return {}; }
  std::string Describe() const override { return "Did not export anything. This is the null builder"; }
  Result<void> Destroy() override { return {}; }
};

}  // namespace kiln::builders::null
