// For the docker post-processors' unit tests: the recording DockerApi
// (clients/docker/fake_docker_api.h), an input artifact, and a build context
// whose output the test reads back.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "clients/docker/fake_docker_api.h"
#include "engine/build_context.h"
#include "postprocessors/docker_common/engine_post_processor.h"
#include "ui/captured_output.h"
#include "ui/ui.h"

namespace kiln::postprocessors::docker_common::testing {

class FakeArtifact : public engine::Artifact {
 public:
  FakeArtifact(std::string builder_id, std::string id, std::vector<std::string> files = {},
               nlohmann::json tags = nullptr)
      : builder_id_(std::move(builder_id)), id_(std::move(id)), files_(std::move(files)), tags_(std::move(tags)) {}
  std::string builder_id() const override { return builder_id_; }
  std::string id() const override { return id_; }
  std::vector<std::string> files() const override { return files_; }
  std::string Describe() const override { return "fake " + id_; }
  nlohmann::json State(const std::string& key) const override { return key == "docker_tags" ? tags_ : nullptr; }
  Result<void> Destroy() override { return {}; }

 private:
  std::string builder_id_, id_;
  std::vector<std::string> files_;
  nlohmann::json tags_;
};

struct Harness {
  Harness() : ui(captured.output(), ui::UiOptions{}, "docker") {
    ctx.build_name = "docker";
    ctx.build_type = "docker";
    ctx.ui = &ui;
    ctx.cancel = &cancel;
  }
  clients::docker::ApiFactory factory() {
    return [fake = api]() -> Result<std::shared_ptr<clients::docker::DockerApi>> { return fake; };
  }
  std::string out() { return captured.out(); }
  std::string err() { return captured.err(); }

  ui::CapturedOutput captured;
  ui::Ui ui;
  CancelToken cancel;
  engine::BuildContext ctx;
  std::shared_ptr<clients::docker::testing::FakeDockerApi> api =
      std::make_shared<clients::docker::testing::FakeDockerApi>();
};

}  // namespace kiln::postprocessors::docker_common::testing
