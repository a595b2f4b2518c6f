// The checksum post-processor: for each checksum type, appends one line per
// artifact file, "<lowercase hex digest>\t<file's base name>\n", to the file
// named by `output` (rendered with {{.BuildName}}, {{.BuilderType}},
// {{.ChecksumType}} and the build values; parent directories created). The
// format is Packer's, and `sha256sum -c` reads it when run in the files'
// directory. As in Packer the file is appended to, never truncated.
//
// Its artifact lists the input's files, then each checksum file once
// (builder id packer.post-processor.checksum); the input is always kept.
// Files are read in 1 MiB chunks, never held whole; a cancelled build
// stops between chunks.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/post_processor.h"
#include "template/schema.h"
#include "util/cancel.h"

namespace kiln::postprocessors::checksum {

inline constexpr std::string_view kBuilderId = "packer.post-processor.checksum";

struct Config {
  std::vector<std::string> types = {"md5"};
  std::string output = "packer_{{.BuildName}}_{{.BuilderType}}_{{.ChecksumType}}.checksum";
};

// Reads options decoded against Options() (checked there).
Config Prepare(const tmpl::DecodedConfig& config);

// The lowercase hex digest of the file at `path` with OpenSSL's `type`
// (md5, sha1, sha224, sha256, sha384, sha512).
Result<std::string> HashFile(const std::string& path, std::string_view type, const CancelToken* cancel = nullptr);

class ChecksumPostProcessor : public engine::PostProcessor {
 public:
  explicit ChecksumPostProcessor(Config config) : config_(std::move(config)) {}
  Result<engine::PostProcessResult> PostProcess(engine::BuildContext& ctx, engine::Artifact& input) override;

 private:
  Config config_;
};

// The catalog's factory for "checksum".
Result<std::unique_ptr<engine::PostProcessor>> MakeChecksum(const tmpl::DecodedConfig& config);

}  // namespace kiln::postprocessors::checksum
