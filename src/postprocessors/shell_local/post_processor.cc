#include "postprocessors/shell_local/post_processor.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "postprocessors/common/artifacts.h"

namespace kiln::postprocessors::shell_local {

Result<provisioners::shell_local::Config> Prepare(const tmpl::DecodedConfig& decoded) {
  Result<provisioners::shell_local::Config> config = provisioners::shell_local::Prepare(decoded);
  if (config && config->execute_command.size() == 1)
    config->execute_command.insert(config->execute_command.begin(), {"sh", "-c"});
  return config;
}

Result<engine::PostProcessResult> ShellLocalPostProcessor::PostProcess(engine::BuildContext& ctx,
                                                                       engine::Artifact& input) {
  provisioners::shell_local::Config config = config_;
  // The artifact first, so that the template's variables win.
  std::vector<std::string> artifact_vars = {
      "KILN_ARTIFACT_BUILDER_ID=" + input.builder_id(),
      "KILN_ARTIFACT_ID=" + input.id(),
      fmt::format("KILN_ARTIFACT_FILES={}", fmt::join(input.files(), "\n")),
  };
  config.environment_vars.insert(config.environment_vars.begin(), artifact_vars.begin(), artifact_vars.end());
  if (Result<void> r = provisioners::shell_local::Run(config, ctx); !r) return std::unexpected(r.error());
  return engine::PostProcessResult{
      .artifact = std::make_unique<PassThroughArtifact>(input), .keep_input = true, .force_keep = true};
}

Result<std::unique_ptr<engine::PostProcessor>> MakeShellLocal(const tmpl::DecodedConfig& config) {
  Result<provisioners::shell_local::Config> c = Prepare(config);
  if (!c) return std::unexpected(c.error());
  return std::make_unique<ShellLocalPostProcessor>(std::move(*c));
}

}  // namespace kiln::postprocessors::shell_local
