// The manifest post-processor: appends a record of the build's artifact to
// a JSON file (`output`, default packer-manifest.json), in Packer's format:
//
//   {"builds": [{"name", "builder_type", "build_time" (Unix seconds; left
//   out with strip_time), "files": [{"name", "size"}] (null when none),
//   "artifact_id", "packer_run_uuid", "custom_data" (null when not set)}],
//   "last_run_uuid"}
//
// written as Go's json.MarshalIndent writes it (go_json.h), mode 0664. An
// existing file is read and appended to (unknown keys dropped, as Packer
// does), except under -force when its last_run_uuid is another run's: then
// it starts afresh. Parallel builds of one run share the file: writers hold
// a process-wide lock and "<output>.lock" (O_EXCL, three tries, as Packer).
// strip_path keeps only file names. It returns its input artifact and keeps
// it, whatever keep_input_artifact says.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/post_processor.h"
#include "template/schema.h"

namespace kiln::postprocessors::manifest {

struct FileRecord {
  std::string name;
  long long size = 0;
};

struct BuildRecord {
  std::string name;
  std::string builder_type;
  long long build_time = 0;  // 0: left out
  std::optional<std::vector<FileRecord>> files;
  std::string artifact_id;
  std::string packer_run_uuid;
  std::optional<std::map<std::string, std::string>> custom_data;
};

struct Manifest {
  std::vector<BuildRecord> builds;
  std::string last_run_uuid;
};

// Reads a manifest file's text; `path` names it in errors.
Result<Manifest> ParseManifest(const std::string& text, const std::string& path);
// The file's bytes, as Packer writes them.
std::string SerializeManifest(const Manifest& m);

struct Config {
  std::string output = "packer-manifest.json";
  bool strip_path = false;
  bool strip_time = false;
  std::optional<std::map<std::string, std::string>> custom_data;
};

Config Prepare(const tmpl::DecodedConfig& config);

class ManifestPostProcessor : public engine::PostProcessor {
 public:
  explicit ManifestPostProcessor(Config config) : config_(std::move(config)) {}
  Result<engine::PostProcessResult> PostProcess(engine::BuildContext& ctx, engine::Artifact& input) override;

 private:
  Config config_;
};

// The catalog's factory for "manifest".
Result<std::unique_ptr<engine::PostProcessor>> MakeManifest(const tmpl::DecodedConfig& config);

}  // namespace kiln::postprocessors::manifest
