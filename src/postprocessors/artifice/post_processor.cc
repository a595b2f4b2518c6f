#include "postprocessors/artifice/post_processor.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <glob.h>

#include <filesystem>

#include "postprocessors/common/artifacts.h"

namespace kiln::postprocessors::artifice {

Result<std::vector<std::string>> ExpandFiles(const std::vector<std::string>& patterns) {
  std::vector<std::string> files;
  for (const std::string& pattern : patterns) {
    glob_t g{};
    int r = ::glob(pattern.c_str(), 0, nullptr, &g);
    if (r == GLOB_NOMATCH || (r == 0 && g.gl_pathc == 0)) {
      ::globfree(&g);
      return std::unexpected(MakeError(fmt::format("artifice: no file matches '{}'", pattern),
                                       "list files that exist when the post-processor runs"));
    }
    if (r != 0) {
      ::globfree(&g);
      return std::unexpected(MakeError(fmt::format("artifice: cannot expand '{}'", pattern)));
    }
    for (std::size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    ::globfree(&g);
  }
  return files;
}

Result<engine::PostProcessResult> ArtificePostProcessor::PostProcess(engine::BuildContext& ctx,
                                                                     engine::Artifact& input) {
  if (std::vector<std::string> old = input.files(); !old.empty())
    ctx.ui->Say(fmt::format("Discarding files from artifact: {}", fmt::join(old, ", ")));
  Result<std::vector<std::string>> files = ExpandFiles(files_);
  if (!files) return std::unexpected(files.error());
  ctx.ui->Say(fmt::format("Using these artifact files: {}", fmt::join(*files, ", ")));
  return engine::PostProcessResult{
      .artifact = std::make_unique<FilesArtifact>(std::string(kBuilderId), std::move(*files)), .keep_input = true};
}

Result<std::unique_ptr<engine::PostProcessor>> MakeArtifice(const tmpl::DecodedConfig& config) {
  return std::make_unique<ArtificePostProcessor>(config.Strings("files"));
}

}  // namespace kiln::postprocessors::artifice
