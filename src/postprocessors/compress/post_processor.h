// The compress post-processor: writes the artifact's files into one archive
// at `output` (rendered with {{.BuildName}}, {{.BuilderType}} and the build
// values; parent directories created), in the format DetectFormat reads
// from output and `format`. Tar entries are named by the file's base name,
// zip entries by its path (without a leading "/"), as Packer names them. A
// format without an archive (x.gz, x.xz...) compresses the artifact's only
// file and fails when it has more.
//
// Data streams through libarchive in 1 MiB chunks: a big file is never in
// memory. compression_level: -1 and 0 mean the default (6), above 9 is 9
// (Packer's range). A failure or cancel removes the partial archive.
//
// The new artifact is the archive (builder id packer.post-processor.compress);
// the input is destroyed unless keep_input_artifact is true.
#pragma once

#include <memory>
#include <string>

#include "engine/post_processor.h"
#include "postprocessors/compress/format.h"
#include "template/schema.h"

namespace kiln::postprocessors::compress {

inline constexpr std::string_view kBuilderId = "packer.post-processor.compress";

struct Config {
  std::string output = "packer_{{.BuildName}}_{{.BuilderType}}";
  std::string format;  // as given, for messages
  Format detected;
  int level = 6;  // 1..9
};

// Reads options decoded against Options() (checked there).
Result<Config> Prepare(const tmpl::DecodedConfig& config);

class CompressArtifact : public engine::Artifact {
 public:
  explicit CompressArtifact(std::string path) : path_(std::move(path)) {}
  std::string builder_id() const override { return std::string(kBuilderId); }
  std::string id() const override { return ""; }
  std::vector<std::string> files() const override { return {path_}; }
  std::string Describe() const override { return "compressed artifacts in: " + path_; }
  Result<void> Destroy() override;

 private:
  std::string path_;
};

class CompressPostProcessor : public engine::PostProcessor {
 public:
  explicit CompressPostProcessor(Config config) : config_(std::move(config)) {}
  Result<engine::PostProcessResult> PostProcess(engine::BuildContext& ctx, engine::Artifact& input) override;

 private:
  Config config_;
};

// Writes `files` to `target` as `format` (the work of PostProcess).
Result<void> WriteArchive(const std::string& target, const std::vector<std::string>& files, const Format& format,
                          int level, const CancelToken* cancel);

// The catalog's factory for "compress".
Result<std::unique_ptr<engine::PostProcessor>> MakeCompress(const tmpl::DecodedConfig& config);

}  // namespace kiln::postprocessors::compress
