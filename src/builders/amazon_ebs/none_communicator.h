// The communicator of "communicator": "none": there is no way into the
// machine, so every operation fails with that explanation.
#pragma once

#include "engine/communicator.h"

namespace kiln::builders::amazon_ebs {

class NoneCommunicator : public engine::Communicator {
 public:
  Result<int> Run(const engine::RemoteCommand&, const CancelToken&) override { return std::unexpected(Why()); }
  Result<void> Upload(const std::string&, engine::UploadSource, const CancelToken&) override {
    return std::unexpected(Why());
  }
  Result<void> UploadDir(const std::string&, const std::filesystem::path&, const CancelToken&) override {
    return std::unexpected(Why());
  }
  Result<void> Download(const std::string&, std::ostream&, const CancelToken&) override {
    return std::unexpected(Why());
  }
  Result<void> DownloadDir(const std::string&, const std::filesystem::path&, const CancelToken&) override {
    return std::unexpected(Why());
  }

 private:
  static Error Why() {
    return MakeError("the communicator is \"none\"", "provisioners need a way into the machine: use \"ssh\"");
  }
};

}  // namespace kiln::builders::amazon_ebs
