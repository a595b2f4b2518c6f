// The docker builder's steps against a recording DockerApi: what is
// created, in which order, and that everything is removed on every path.
#include "builders/docker/builder.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "clients/docker/fake_docker_api.h"
#include "clients/docker/test_util.h"

namespace kiln::builders::docker {
namespace {

// Runs one command through the communicator, like a one-line shell step.
class Hook : public engine::ProvisionHook {
 public:
  std::string command = "true";
  bool error_cleanup_ran = false;
  Result<void> Run(engine::BuildContext& ctx, engine::Communicator& comm) override {
    Result<int> status = comm.Run({.command = command}, *ctx.cancel);
    if (!status) return std::unexpected(status.error());
    if (*status != 0) return std::unexpected(MakeError("exited with status " + std::to_string(*status)));
    return {};
  }
  void RunErrorCleanup(engine::BuildContext&, engine::Communicator&) override { error_cleanup_ran = true; }
};

class DockerBuilderTest : public ::testing::Test {
 protected:
  DockerBuilderTest()
      : out_(std::tmpfile()), output_(out_, out_), ui_(output_, ui::UiOptions{}) {
    ctx_.build_name = "docker";
    ctx_.build_type = "docker";
    ctx_.ui = &ui_;
    ctx_.cancel = &cancel_;
    ctx_.packer_run_uuid = "run1";
    config_.image = "debian:bookworm";
    config_.pull = false;
    config_.commit = true;
    config_.changes = {"EXPOSE 8080"};
    config_.run_command = {"-d", "-i", "-t", "--entrypoint=/bin/sh", "--", "{{.Image}}"};
    // Each exec says hello; `false` fails.
    api_->on_exec = [](const clients::docker::ExecConfig& exec, const clients::docker::ExecStreams& streams) {
      if (streams.on_stdout) streams.on_stdout("hello");
      return exec.cmd.back() == "false" ? 1 : 0;
    };
    api_->committed_id = "sha256:abc";
    api_->pull_error = MakeError("docker pull debian:bookworm: registry unreachable");
  }
  ~DockerBuilderTest() override { std::fclose(out_); }

  Result<std::unique_ptr<engine::Artifact>> Build() {
    Builder builder(config_, [&]() -> Result<std::shared_ptr<clients::docker::DockerApi>> { return api_; });
    return builder.Run(ctx_, hook_);
  }
  const std::vector<std::string>& calls() const { return api_->calls; }

  std::FILE* out_;
  ui::Output output_;
  ui::Ui ui_;
  CancelToken cancel_;
  engine::BuildContext ctx_;
  Config config_;
  Hook hook_;
  std::shared_ptr<clients::docker::testing::FakeDockerApi> api_ =
      std::make_shared<clients::docker::testing::FakeDockerApi>();
};

TEST_F(DockerBuilderTest, CommitRunsEveryStepThenRemovesTheContainer) {
  auto artifact = Build();
  ASSERT_TRUE(artifact) << artifact.error().Message();
  ASSERT_TRUE(*artifact);
  EXPECT_EQ((*artifact)->Describe(), "Imported Docker image: sha256:abc");
  EXPECT_EQ(calls(), (std::vector<std::string>{"ping", "image-inspect debian:bookworm",
                                               "create kiln-run1-docker debian:bookworm", "start c0ffee",
                                               "exec c0ffee true", "commit c0ffee [EXPOSE 8080]", "rm c0ffee"}));
  ASSERT_EQ(api_->created.size(), 1u);
  EXPECT_EQ(api_->created[0].entrypoint, std::vector<std::string>{"/bin/sh"});
  EXPECT_TRUE(api_->created[0].tty);
  EXPECT_TRUE(api_->created[0].open_stdin);
  EXPECT_EQ(ctx_.interp.build_values->at("ID"), "c0ffee");
  // Destroying the committed image forces it out, as before the seam was one.
  ASSERT_TRUE((*artifact)->Destroy());
  EXPECT_EQ(calls().back(), "rmi sha256:abc force");
}

TEST_F(DockerBuilderTest, AFailedProvisionerStillRemovesTheContainer) {
  hook_.command = "false";
  auto artifact = Build();
  ASSERT_FALSE(artifact);
  EXPECT_NE(artifact.error().summary.find("status 1"), std::string::npos);
  EXPECT_EQ(calls().back(), "rm c0ffee");
  EXPECT_EQ(std::count(calls().begin(), calls().end(), "commit c0ffee [EXPOSE 8080]"), 0);
  EXPECT_FALSE(hook_.error_cleanup_ran);
}

TEST_F(DockerBuilderTest, RunCleanupProvisionerRunsWhileTheContainerExists) {
  hook_.command = "false";
  ctx_.on_error = engine::OnError::kRunCleanupProvisioner;
  EXPECT_FALSE(Build());
  EXPECT_TRUE(hook_.error_cleanup_ran);
  EXPECT_EQ(calls().back(), "rm c0ffee");
}

TEST_F(DockerBuilderTest, AbortLeavesTheContainerAndSaysHowToRemoveIt) {
  hook_.command = "false";
  ctx_.on_error = engine::OnError::kAbort;
  EXPECT_FALSE(Build());
  EXPECT_EQ(std::count(calls().begin(), calls().end(), "rm c0ffee"), 0);
  std::fflush(out_);
  std::rewind(out_);
  std::string printed;
  for (int c; (c = std::fgetc(out_)) != EOF;) printed += static_cast<char>(c);
  EXPECT_NE(printed.find("docker rm -f c0ffee"), std::string::npos) << printed;
}

TEST_F(DockerBuilderTest, AMissingLocalImageWithoutPullStopsBeforeAnyContainer) {
  api_->inspect_error = clients::docker::testing::FakeDockerApi::NotFound("docker image inspect debian:bookworm");
  auto artifact = Build();
  ASSERT_FALSE(artifact);
  EXPECT_EQ(artifact.error().summary, "image debian:bookworm does not exist locally");
  EXPECT_EQ(calls(), (std::vector<std::string>{"ping", "image-inspect debian:bookworm"}));
}

TEST_F(DockerBuilderTest, AFailedPullOfALocalImageSaysSo) {
  config_.pull = true;
  auto artifact = Build();
  ASSERT_FALSE(artifact);
  EXPECT_NE(artifact.error().detail.find("exists locally: set \"pull\": false"), std::string::npos)
      << artifact.error().Message();
}

TEST_F(DockerBuilderTest, CancelledBeforeCommitCommitsNothing) {
  hook_.command = "true";
  cancel_.Cancel();
  auto artifact = Build();
  ASSERT_FALSE(artifact);
  EXPECT_TRUE(calls() == std::vector<std::string>{"ping"} || calls().back() == "rm c0ffee");
  EXPECT_EQ(std::count(calls().begin(), calls().end(), "commit c0ffee [EXPOSE 8080]"), 0);
}

TEST_F(DockerBuilderTest, ExportWritesTheTarInsteadOfCommitting) {
  config_.commit = false;
  config_.export_path = ::testing::TempDir() + "/kiln-export-test/image.tar";
  auto artifact = Build();
  ASSERT_TRUE(artifact) << artifact.error().Message();
  EXPECT_EQ((*artifact)->files(), std::vector<std::string>{config_.export_path});
  EXPECT_EQ(calls()[calls().size() - 2], "export c0ffee");
  EXPECT_EQ(clients::docker::testing::ReadAll(config_.export_path), api_->exported_bytes);
}

}  // namespace
}  // namespace kiln::builders::docker
