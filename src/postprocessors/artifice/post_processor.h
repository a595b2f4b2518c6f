// The artifice post-processor: replaces the artifact with the files listed
// in `files` (glob patterns, as Go's filepath.Glob reads them), e.g. files a
// provisioner downloaded. Says which files it discards and which it uses.
// A pattern that matches nothing is an error (Packer silently skips it).
//
// The new artifact's builder id is packer.post-processor.artifice; the input
// is kept unless keep_input_artifact is false.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/post_processor.h"
#include "template/schema.h"

namespace kiln::postprocessors::artifice {

inline constexpr std::string_view kBuilderId = "packer.post-processor.artifice";

// Expands the patterns in order; each match must exist.
Result<std::vector<std::string>> ExpandFiles(const std::vector<std::string>& patterns);

class ArtificePostProcessor : public engine::PostProcessor {
 public:
  explicit ArtificePostProcessor(std::vector<std::string> files) : files_(std::move(files)) {}
  Result<engine::PostProcessResult> PostProcess(engine::BuildContext& ctx, engine::Artifact& input) override;

 private:
  std::vector<std::string> files_;
};

// The catalog's factory for "artifice".
Result<std::unique_ptr<engine::PostProcessor>> MakeArtifice(const tmpl::DecodedConfig& config);

}  // namespace kiln::postprocessors::artifice
