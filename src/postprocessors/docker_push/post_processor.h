// The docker-push post-processor: pushes the image a docker-tag or
// docker-import named (its id and every docker_tags entry) through the
// engine, printing each layer's progress as its status changes.
//
// Credentials: with `login` (true, or the string "true"), login_username and
// login_password for login_server (empty: Docker Hub), checked with the
// registry first so that a wrong password fails before anything is sent;
// without it, what the docker CLI would use from ~/.docker/config.json
// (credentials.h). Every credential is registered with the output masker
// before use, so neither it nor its encoded forms reach any output.
//
// Its artifact (builder id packer.post-processor.docker-import, id the first
// pushed name) carries the manifest digest the registry reported ("digest"
// state, and in the summary line). The input image is kept.
#pragma once

#include <memory>
#include <string>

#include "clients/docker/credentials.h"
#include "postprocessors/docker_common/engine_post_processor.h"
#include "template/schema.h"

namespace kiln::postprocessors::docker_push {

struct Config {
  bool login = false;
  std::string login_server;
  std::string login_username;
  std::string login_password;
  bool ecr_login = false;
};

Config Prepare(const tmpl::DecodedConfig& decoded);

class PostProcessor : public docker_common::EnginePostProcessor<Config> {
 public:
  // `lookup` finds the docker CLI's credentials (credentials.h); tests pass their own.
  explicit PostProcessor(Config config, clients::docker::ApiFactory connect = clients::docker::ConnectToEngine,
                         clients::docker::CredentialLookup lookup = {})
      : EnginePostProcessor(std::move(config), std::move(connect)), lookup_(std::move(lookup)) {}
  Result<engine::PostProcessResult> PostProcess(engine::BuildContext& ctx, engine::Artifact& input) override;

 private:
  clients::docker::CredentialLookup lookup_;
};

// The catalog's factory for "docker-push".
Result<std::unique_ptr<engine::PostProcessor>> MakeDockerPush(const tmpl::DecodedConfig& config);

}  // namespace kiln::postprocessors::docker_push
