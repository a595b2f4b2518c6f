// The docker communicator against the real engine: scripts written and run
// in one exec, with the archive endpoint as the fallback.
#include "communicators/docker/communicator.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "clients/docker/container_lease.h"
#include "clients/docker/engine_client.h"
#include "docker_world.h"

namespace kiln::communicators::docker {
namespace {

namespace api = clients::docker;
using ::kiln::testing::Sh;

class DockerCommunicatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    KILN_REQUIRE_DOCKER();
    Result<std::shared_ptr<api::DockerApi>> engine = api::ConnectToEngine();
    ASSERT_TRUE(engine) << engine.error().Message();
    engine_ = std::move(*engine);
    api::ContainerConfig config{.image = "debian:bookworm",
                                .name = "kiln-commtest-" + std::to_string(std::random_device{}()),
                                .cmd = std::vector<std::string>{"-c", "useradd -m app; sleep 600"},
                                .entrypoint = std::vector<std::string>{"/bin/sh"}};
    Result<api::ContainerLease> lease = api::ContainerLease::Start(engine_, config);
    ASSERT_TRUE(lease) << lease.error().Message();
    lease_ = std::move(*lease);
    container_ = lease_.id();
    // useradd runs as the container starts; wait for it.
    for (int i = 0; i < 50 && Sh("docker exec " + container_ + " id app").status != 0; ++i) usleep(100'000);
  }

  // Runs `path`'s new contents with `command`; returns status and stdout.
  std::pair<std::expected<int, engine::ScriptError>, std::string> WriteAndRun(DockerCommunicator& comm,
                                                                             const std::string& path,
                                                                             const std::string& contents,
                                                                             const std::string& command) {
    std::string out;
    engine::RemoteCommand cmd{.command = command,
                              .on_stdout = [&](std::string_view line) { out += std::string(line) + "\n"; },
                              .on_stderr = [&](std::string_view line) { out += "E:" + std::string(line) + "\n"; }};
    auto status = comm.UploadAndRun(path, contents, 0755, cmd, cancel_);
    return {std::move(status), out};
  }

  std::string InContainer(const std::string& command) {
    return Sh("docker exec " + container_ + " sh -c '" + command + "'").output;
  }

  std::shared_ptr<api::DockerApi> engine_;
  api::ContainerLease lease_;  // removes the container after each test
  std::string container_;
  CancelToken cancel_;
};

TEST_F(DockerCommunicatorTest, WritesTheScriptByteForByteAndRunsIt) {
  DockerCommunicator comm(*engine_, container_, "", false);
  std::string script = "#!/bin/sh\necho \"it's $((6 * 7)) \\$HOME '\\\"\"\nexit 3\n# é ✓ 𝄞\n";
  auto [status, out] = WriteAndRun(comm, "/tmp/s.sh", script, "/tmp/s.sh");
  ASSERT_TRUE(status) << status.error().error.Message();
  EXPECT_EQ(*status, 3);
  EXPECT_EQ(out, "it's 42 $HOME '\"\n");
  EXPECT_EQ(InContainer("stat -c %a:%U /tmp/s.sh"), "755:root\n");
  std::ostringstream copy;
  ASSERT_TRUE(comm.Download("/tmp/s.sh", copy, cancel_));
  EXPECT_EQ(copy.str(), script);
}

TEST_F(DockerCommunicatorTest, AFailedWriteIsAnUploadError) {
  DockerCommunicator comm(*engine_, container_, "", false);
  auto [status, out] = WriteAndRun(comm, "/no/such/dir/s.sh", "echo hi\n", "echo should-not-run");
  ASSERT_FALSE(status);
  EXPECT_TRUE(status.error().during_upload);
  EXPECT_NE(status.error().error.Message().find("/no/such/dir/s.sh"), std::string::npos)
      << status.error().error.Message();
  EXPECT_EQ(out, "");  // neither the command nor the wrapper's marker reached the caller
}

TEST_F(DockerCommunicatorTest, UploadsOwnedByTheExecUserWithFixUploadOwner) {
  DockerCommunicator comm(*engine_, container_, "app", true);
  auto [status, out] = WriteAndRun(comm, "/tmp/owned.sh", "id -un\n", "/tmp/owned.sh");
  ASSERT_TRUE(status) << status.error().error.Message();
  EXPECT_EQ(out, "app\n");
  EXPECT_EQ(InContainer("stat -c %U /tmp/owned.sh"), "app\n");
}

TEST_F(DockerCommunicatorTest, BigOrBinaryScriptsTakeTheArchiveEndpoint) {
  DockerCommunicator comm(*engine_, container_, "", false);
  std::string big = "#!/bin/sh\n" + std::string(200 * 1024, '#') + "\necho big\n";
  auto [status, out] = WriteAndRun(comm, "/tmp/big.sh", big, "/tmp/big.sh");
  ASSERT_TRUE(status) << status.error().error.Message();
  EXPECT_EQ(out, "big\n");
  EXPECT_EQ(InContainer("wc -c < /tmp/big.sh"), std::to_string(big.size()) + "\n");

  std::string binary = std::string("echo bin\nexit 0\n") + '\0' + "\xff\xfe";
  auto [status2, out2] = WriteAndRun(comm, "/tmp/bin.sh", binary, "sh /tmp/bin.sh; wc -c < /tmp/bin.sh");
  ASSERT_TRUE(status2) << status2.error().error.Message();
  EXPECT_EQ(out2, "bin\n" + std::to_string(binary.size()) + "\n");
}

}  // namespace
}  // namespace kiln::communicators::docker
