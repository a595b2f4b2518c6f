// The docker builder's steps against a recording driver: what is created,
// in which order, and that everything is removed on every path.
#include "builders/docker/builder.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace kiln::builders::docker {
namespace {

class FakeDriver : public Driver {
 public:
  std::vector<std::string>* calls;
  bool image_exists = true;
  bool fail_run = false;
  explicit FakeDriver(std::vector<std::string>* c) : calls(c) {}

  Result<void> Login(const RegistryAuth& a) override {
    calls->push_back("login " + a.server);
    return {};
  }
  bool ImageExists(const std::string& image) override {
    calls->push_back("exists " + image);
    return image_exists;
  }
  Result<void> Pull(const std::string& image, const std::optional<RegistryAuth>&, const LineSink&,
                    const CancelToken&) override {
    calls->push_back("pull " + image);
    return std::unexpected(MakeError("docker pull " + image + ": registry unreachable"));
  }
  Result<std::string> RunContainer(const ContainerSpec& spec) override {
    calls->push_back("run " + spec.name + " " + spec.image + " entrypoint=" + spec.entrypoint.value_or("") +
                     (spec.tty ? " tty" : ""));
    if (fail_run) return std::unexpected(MakeError("no such image"));
    return std::string("c0ffee");
  }
  Result<void> RemoveContainer(const std::string& id) override {
    calls->push_back("rm " + id);
    return {};
  }
  Result<std::string> Commit(const std::string& id, const CommitOptions& o) override {
    calls->push_back("commit " + id + " changes=" + std::to_string(o.changes.size()));
    return std::string("sha256:abc");
  }
  Result<void> Export(const std::string& id, const std::filesystem::path& p, const CancelToken&) override {
    calls->push_back("export " + id + " " + p.filename().string());
    return {};
  }
  Result<void> RemoveImage(const std::string& id) override {
    calls->push_back("rmi " + id);
    return {};
  }
  Result<int> Exec(const std::string& id, const std::string&, const std::vector<std::string>& argv,
                   const std::vector<std::string>&, const LineSink& out,
                   const LineSink&, const CancelToken&) override {
    calls->push_back("exec " + id + " " + argv.back());
    out("hello");
    return argv.back() == "false" ? 1 : 0;
  }
  Result<void> UploadFile(const std::string&, const std::string& p, engine::UploadSource, const CancelToken&) override {
    calls->push_back("upload " + p);
    return {};
  }
  Result<void> UploadDir(const std::string&, const std::string& p, const std::filesystem::path&,
                         const CancelToken&) override {
    calls->push_back("uploaddir " + p);
    return {};
  }
  Result<void> DownloadFile(const std::string&, const std::string& p, std::ostream&, const CancelToken&) override {
    calls->push_back("download " + p);
    return {};
  }
  Result<void> DownloadDir(const std::string&, const std::string& p, const std::filesystem::path&,
                           const CancelToken&) override {
    calls->push_back("downloaddir " + p);
    return {};
  }
};

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
  }
  ~DockerBuilderTest() override { std::fclose(out_); }

  Result<std::unique_ptr<engine::Artifact>> Build(bool image_exists = true, bool fail_run = false) {
    Builder builder(config_, [&]() -> Result<std::unique_ptr<Driver>> {
      auto d = std::make_unique<FakeDriver>(&calls_);
      d->image_exists = image_exists;
      d->fail_run = fail_run;
      return d;
    });
    return builder.Run(ctx_, hook_);
  }

  std::FILE* out_;
  ui::Output output_;
  ui::Ui ui_;
  CancelToken cancel_;
  engine::BuildContext ctx_;
  Config config_;
  Hook hook_;
  std::vector<std::string> calls_;
};

TEST_F(DockerBuilderTest, CommitRunsEveryStepThenRemovesTheContainer) {
  auto artifact = Build();
  ASSERT_TRUE(artifact) << artifact.error().Message();
  ASSERT_TRUE(*artifact);
  EXPECT_EQ((*artifact)->Describe(), "Imported Docker image: sha256:abc");
  EXPECT_EQ(calls_, (std::vector<std::string>{"exists debian:bookworm",
                                              "run kiln-run1-docker debian:bookworm entrypoint=/bin/sh tty",
                                              "exec c0ffee true", "commit c0ffee changes=1", "rm c0ffee"}));
  EXPECT_EQ(ctx_.interp.build_values->at("ID"), "c0ffee");
}

TEST_F(DockerBuilderTest, AFailedProvisionerStillRemovesTheContainer) {
  hook_.command = "false";
  auto artifact = Build();
  ASSERT_FALSE(artifact);
  EXPECT_NE(artifact.error().summary.find("status 1"), std::string::npos);
  EXPECT_EQ(calls_.back(), "rm c0ffee");
  EXPECT_EQ(std::count(calls_.begin(), calls_.end(), "commit c0ffee changes=1"), 0);
  EXPECT_FALSE(hook_.error_cleanup_ran);
}

TEST_F(DockerBuilderTest, RunCleanupProvisionerRunsWhileTheContainerExists) {
  hook_.command = "false";
  ctx_.on_error = engine::OnError::kRunCleanupProvisioner;
  EXPECT_FALSE(Build());
  EXPECT_TRUE(hook_.error_cleanup_ran);
  EXPECT_EQ(calls_.back(), "rm c0ffee");
}

TEST_F(DockerBuilderTest, AbortLeavesTheContainerAndSaysHowToRemoveIt) {
  hook_.command = "false";
  ctx_.on_error = engine::OnError::kAbort;
  EXPECT_FALSE(Build());
  EXPECT_EQ(std::count(calls_.begin(), calls_.end(), "rm c0ffee"), 0);
  std::fflush(out_);
  std::rewind(out_);
  std::string printed;
  for (int c; (c = std::fgetc(out_)) != EOF;) printed += static_cast<char>(c);
  EXPECT_NE(printed.find("docker rm -f c0ffee"), std::string::npos) << printed;
}

TEST_F(DockerBuilderTest, AMissingLocalImageWithoutPullStopsBeforeAnyContainer) {
  auto artifact = Build(/*image_exists=*/false);
  ASSERT_FALSE(artifact);
  EXPECT_EQ(artifact.error().summary, "image debian:bookworm does not exist locally");
  EXPECT_EQ(calls_, (std::vector<std::string>{"exists debian:bookworm"}));
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
  EXPECT_TRUE(calls_.empty() || calls_.back() == "rm c0ffee");
  EXPECT_EQ(std::count(calls_.begin(), calls_.end(), "commit c0ffee changes=1"), 0);
}

TEST_F(DockerBuilderTest, ExportWritesTheTarInsteadOfCommitting) {
  config_.commit = false;
  config_.export_path = ::testing::TempDir() + "/kiln-export-test/image.tar";
  auto artifact = Build();
  ASSERT_TRUE(artifact) << artifact.error().Message();
  EXPECT_EQ((*artifact)->files(), std::vector<std::string>{config_.export_path});
  EXPECT_EQ(calls_[calls_.size() - 2], "export c0ffee image.tar");
}

}  // namespace
}  // namespace kiln::builders::docker
