// A post-processor turns an artifact into another (tag, push, compress...).
#pragma once

#include <memory>

#include "engine/artifact.h"
#include "engine/build_context.h"

namespace kiln::engine {

struct PostProcessResult {
  std::unique_ptr<Artifact> artifact;
  bool keep_input = false;  // the post-processor wants its input kept
  bool force_keep = false;  // ...whatever keep_input_artifact says (docker-tag)
};

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  virtual Result<PostProcessResult> PostProcess(BuildContext& ctx, Artifact& input) = 0;
};

}  // namespace kiln::engine
