// The docker builder: pull, start a container, provision it, then commit it
// to an image, export it to a tar, or discard it.
#pragma once

#include <functional>
#include <memory>

#include "builders/docker/config.h"
#include "clients/docker/engine_client.h"
#include "engine/builder.h"
#include "template/schema.h"

namespace kiln::builders::docker {

class Builder : public engine::Builder {
 public:
  // `connect` is the seam tests use to supply a recording DockerApi.
  explicit Builder(Config config, clients::docker::ApiFactory connect = clients::docker::ConnectToEngine)
      : config_(std::move(config)), connect_(std::move(connect)) {}

  Result<std::unique_ptr<engine::Artifact>> Run(engine::BuildContext& ctx, engine::ProvisionHook& hook) override;

 private:
  Config config_;
  clients::docker::ApiFactory connect_;
};

// The catalog's factory for "docker".
Result<std::unique_ptr<engine::Builder>> MakeBuilder(const tmpl::DecodedConfig& config);

}  // namespace kiln::builders::docker
