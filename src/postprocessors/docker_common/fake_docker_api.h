// For the docker post-processors' unit tests: a recording DockerApi (the
// image calls record what they were asked and answer as configured; every
// other call fails, the post-processors must not make them), an input
// artifact, and a build context whose output the test reads back.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "clients/docker/docker_api.h"
#include "engine/build_context.h"
#include "postprocessors/docker_common/image_artifact.h"
#include "ui/captured_output.h"
#include "ui/ui.h"

namespace kiln::postprocessors::docker_common::testing {

namespace api = clients::docker;

class FakeDockerApi : public api::DockerApi {
 public:
  std::vector<std::string> calls;  // "tag IMAGE REPO TAG", "push REF", "login SERVER USER", ...
  std::optional<Error> login_error, push_error, tag_error, save_error;
  std::string push_digest = "sha256:" + std::string(64, 'd');
  std::vector<api::ProgressMessage> push_progress;
  std::string saved_bytes = "tar bytes";
  std::string imported_tar;  // what ImageImport read
  std::optional<api::RegistryAuth> last_push_auth;

  Result<void> Ping() override { return Unexpected("ping"); }
  Result<api::VersionInfo> Version() override { return Unexpected("version"); }
  Result<api::LoginResult> Login(const api::RegistryAuth& auth) override {
    calls.push_back("login " + auth.server + " " + auth.username);
    if (login_error) return std::unexpected(*login_error);
    return api::LoginResult{.status = "Login Succeeded"};
  }
  Result<api::ImageInfo> ImageInspect(const std::string&) override { return Unexpected("inspect"); }
  Result<void> ImagePull(const std::string&, const api::PullOptions&, const CancelToken&) override {
    return Unexpected("pull");
  }
  Result<std::string> ImagePush(const std::string& ref, const api::PushOptions& options,
                                const CancelToken&) override {
    calls.push_back("push " + ref);
    last_push_auth = options.auth;
    for (const api::ProgressMessage& m : push_progress)
      if (options.on_progress) options.on_progress(m);
    if (push_error) return std::unexpected(*push_error);
    return push_digest;
  }
  Result<void> ImageTag(const std::string& image, const std::string& repo, const std::string& tag,
                        bool force) override {
    calls.push_back("tag " + image + " " + repo + " " + tag + (force ? " force" : ""));
    if (tag_error) return std::unexpected(*tag_error);
    return {};
  }
  Result<void> ImageRemove(const std::string& image, bool) override {
    calls.push_back("rmi " + image);
    return {};
  }
  Result<std::string> ImageCommit(const std::string&, const api::CommitOptions&) override {
    return Unexpected("commit");
  }
  Result<std::string> ImageImport(const api::ByteSource& tar, const api::ImportOptions& options,
                                  const CancelToken&) override {
    std::string changes;
    for (const std::string& c : options.changes) changes += " [" + c + "]";
    calls.push_back("import " + options.repo + " " + options.tag + changes);
    char buf[7];
    for (;;) {
      Result<size_t> n = tar(buf);
      if (!n) return std::unexpected(n.error());
      if (*n == 0) break;
      imported_tar.append(buf, *n);
    }
    return "sha256:" + std::string(64, 'i');
  }
  Result<void> ImageSave(const std::vector<std::string>& images, std::ostream& out, const CancelToken&) override {
    calls.push_back("save " + images.front());
    out << saved_bytes;
    if (save_error) return std::unexpected(*save_error);
    return {};
  }
  Result<std::string> ContainerCreate(const api::ContainerConfig&) override { return Unexpected("create"); }
  Result<void> ContainerStart(const std::string&) override { return Unexpected("start"); }
  Result<void> ContainerKill(const std::string&, const std::string&) override { return Unexpected("kill"); }
  Result<void> ContainerRemove(const std::string&, bool, bool) override { return Unexpected("rm"); }
  Result<api::ContainerInfo> ContainerInspect(const std::string&) override { return Unexpected("inspect"); }
  Result<std::vector<api::ContainerSummary>> ContainerList(const std::vector<std::string>&, bool) override {
    return Unexpected("ps");
  }
  Result<void> ContainerExport(const std::string&, std::ostream&, const CancelToken&) override {
    return Unexpected("export");
  }
  Result<std::string> ExecCreate(const std::string&, const api::ExecConfig&) override { return Unexpected("exec"); }
  Result<void> ExecStart(const std::string&, const api::ExecStreams&, const CancelToken&) override {
    return Unexpected("exec");
  }
  Result<api::ExecState> ExecInspect(const std::string&) override { return Unexpected("exec"); }
  Result<api::PathStat> StatPath(const std::string&, const std::string&) override { return Unexpected("stat"); }
  Result<void> PutArchive(const std::string&, const std::string&, const api::ByteSource&,
                          const CancelToken&) override {
    return Unexpected("put");
  }
  Result<void> GetArchiveToDir(const std::string&, const std::string&, const std::filesystem::path&,
                               const CancelToken&) override {
    return Unexpected("get");
  }
  Result<void> GetArchiveFile(const std::string&, const std::string&, std::ostream&, const CancelToken&) override {
    return Unexpected("get");
  }

 private:
  static std::unexpected<Error> Unexpected(const std::string& what) {
    return std::unexpected(MakeError("unexpected call in test: " + what));
  }
};

}  // namespace kiln::postprocessors::docker_common::testing

// Also for those tests: an input artifact and a context whose output is read back.

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
  ApiFactory factory() {
    return [fake = api]() -> Result<std::shared_ptr<api::DockerApi>> { return fake; };
  }
  std::string out() { return captured.out(); }
  std::string err() { return captured.err(); }

  ui::CapturedOutput captured;
  ui::Ui ui;
  CancelToken cancel;
  engine::BuildContext ctx;
  std::shared_ptr<FakeDockerApi> api = std::make_shared<FakeDockerApi>();
};

}  // namespace kiln::postprocessors::docker_common::testing
