// The file builder: writes `target` from `source` (copied, streamed) or
// from `content` (empty when neither is given), creating its parent
// directories, then runs the provisioners with no machine (only local ones
// can work). The artifact is the file (builder id packer.file, id "File");
// destroying it removes the file. A failure leaves no partial target.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine/builder.h"
#include "template/schema.h"

namespace kiln::builders::file {

inline constexpr std::string_view kBuilderId = "packer.file";

struct Config {
  std::string target;
  std::optional<std::string> source;  // else content
  std::string content;
};

Config Prepare(const tmpl::DecodedConfig& config);

class FileArtifact : public engine::Artifact {
 public:
  explicit FileArtifact(std::string path) : path_(std::move(path)) {}
  std::string builder_id() const override { return std::string(kBuilderId); }
  std::string id() const override { return "File"; }
  std::vector<std::string> files() const override { return {path_}; }
  std::string Describe() const override { return "Stored file: " + path_; }
  Result<void> Destroy() override;

 private:
  std::string path_;
};

class Builder : public engine::Builder {
 public:
  explicit Builder(Config config) : config_(std::move(config)) {}
  Result<std::unique_ptr<engine::Artifact>> Run(engine::BuildContext& ctx, engine::ProvisionHook& hook) override;

 private:
  Config config_;
};

// The catalog's factory for "file".
Result<std::unique_ptr<engine::Builder>> MakeBuilder(const tmpl::DecodedConfig& config);

}  // namespace kiln::builders::file
