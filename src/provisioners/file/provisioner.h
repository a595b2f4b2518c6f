// The file provisioner: copies files and directories to the machine through
// the communicator, or from it with direction "download". Streams; no file
// is held in memory whole.
//
// Upload, for each source (Packer's rules, which follow rsync's):
//   - a directory "dir" goes to destination/dir; "dir/" (trailing slash)
//     puts its contents directly in destination;
//   - a file goes to destination, or into it under its own name when the
//     destination ends with "/" (the way to name a directory);
//   - `content` is written to destination (into "<destination>pkr-file-content"
//     when it ends with "/");
//   - any other kind of source (a FIFO, socket or device) is refused, at
//     validate time and again, without blocking, when it is opened: reading
//     a FIFO would wait for a writer forever, deaf to cancellation, and a
//     device may never end. Inside an uploaded directory such entries are
//     never opened (SSH skips them; docker's tar records them as they are).
// Download, for each source: a remote directory ("dir/", or a pattern with
// * ? [) is copied into destination; a file is written to destination, or
// into it under its own name when destination ends with "/". Local parent
// directories are created.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/provisioner.h"
#include "template/schema.h"
#include "util/error.h"

namespace kiln::provisioners::file {

enum class Direction { kUpload, kDownload };

struct Config {
  std::vector<std::string> sources;    // `sources`, then `source` (as Packer appends it)
  std::optional<std::string> content;  // set when `content` was given
  std::string destination;
  Direction direction = Direction::kUpload;
  bool generated = false;  // sources may appear only during the build
};

// Reads options decoded against Options(). Content cannot be downloaded.
Result<Config> Prepare(const tmpl::DecodedConfig& config);

class FileProvisioner : public engine::Provisioner {
 public:
  explicit FileProvisioner(Config config) : config_(std::move(config)) {}
  // Stops at the first failure; errors name the source and destination.
  Result<void> Provision(engine::BuildContext& ctx, engine::Communicator& comm) override;
  const Config& config() const { return config_; }

 private:
  Result<void> Upload(engine::BuildContext& ctx, engine::Communicator& comm, const std::string& dst);
  Result<void> Download(engine::BuildContext& ctx, engine::Communicator& comm, const std::string& dst);

  Config config_;
};

// The factory the catalog registers for "file".
Result<std::unique_ptr<engine::Provisioner>> MakeFile(const tmpl::DecodedConfig& config);

}  // namespace kiln::provisioners::file
