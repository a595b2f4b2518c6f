// The shell-local post-processor: runs a command or scripts on the machine
// running kiln, with the shell-local provisioner's options and code
// (provisioners/shell_local). Differences, as in Packer: an execute_command
// of one element runs as ["sh", "-c", element] (the old string form); it
// returns its input artifact and always keeps it.
//
// The scripts see PACKER_BUILD_NAME and PACKER_BUILDER_TYPE (as Packer
// sets them) and, kiln's addition, the input artifact:
// KILN_ARTIFACT_BUILDER_ID, KILN_ARTIFACT_ID and KILN_ARTIFACT_FILES (its
// files, one per line). environment_vars and env override them.
#pragma once

#include <memory>

#include "engine/post_processor.h"
#include "provisioners/shell_local/provisioner.h"
#include "template/schema.h"

namespace kiln::postprocessors::shell_local {

// Reads options decoded against Options().
Result<provisioners::shell_local::Config> Prepare(const tmpl::DecodedConfig& config);

class ShellLocalPostProcessor : public engine::PostProcessor {
 public:
  explicit ShellLocalPostProcessor(provisioners::shell_local::Config config) : config_(std::move(config)) {}
  Result<engine::PostProcessResult> PostProcess(engine::BuildContext& ctx, engine::Artifact& input) override;
  const provisioners::shell_local::Config& config() const { return config_; }

 private:
  provisioners::shell_local::Config config_;
};

// The catalog's factory for the "shell-local" post-processor.
Result<std::unique_ptr<engine::PostProcessor>> MakeShellLocal(const tmpl::DecodedConfig& config);

}  // namespace kiln::postprocessors::shell_local
