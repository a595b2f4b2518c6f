// `kiln build` with the docker builder against the real local engine: the
// seed's docker image, failure paths, interrupts at every step, and parallel
// builds. Each run gets its own PACKER_RUN_UUID, which kiln puts in its
// containers' names (kiln-<uuid>-<build>), so a test sees exactly what it left.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>

#include "docker_world.h"
#include "kiln_runner.h"

extern char** environ;

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;
const std::string kDir = KILN_FIXTURES_DIR "/docker";

std::string NewRunUuid() {
  static int n = 0;
  return "kiln-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
}

struct Build {
  std::string uuid = NewRunUuid();
  fs::path tmp = fs::path(::testing::TempDir()) / ("kiln-tmp-" + uuid);
  Build() { fs::create_directories(tmp); }
  ~Build() {
    Sh("docker rm -f $(docker ps -aq --filter name=kiln-" + uuid + ") >/dev/null 2>&1");
    fs::remove_all(tmp);
  }
  std::string Env() const { return "PACKER_RUN_UUID=" + uuid + " TMPDIR=" + tmp.string(); }
  RunResult Run(const std::string& args) const { return RunKiln("build " + args, kDir, Env()); }
};

std::string ImageIdFrom(const std::string& output) {
  std::smatch m;
  if (std::regex_search(output, m, std::regex(R"(--> docker: Imported Docker image: (sha256:[0-9a-f]{64}))")))
    return m[1];
  return "";
}

TEST(DockerBuild, SeedImageHasJavaTheLabelAndThePort) {
  KILN_REQUIRE_DOCKER();
  Build b;
  RunResult r = b.Run("seed-docker.json");
  ASSERT_EQ(r.exit_code, 0) << r.all();
  std::string image = ImageIdFrom(r.out);
  ASSERT_FALSE(image.empty()) << r.out;
  // As with Packer, the image keeps run_command's entrypoint (/bin/sh) and
  // no CMD, so the check names its own entrypoint.
  EXPECT_EQ(Sh("docker image inspect -f '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' " + image).output,
            "[\"/bin/sh\"] null\n");
  ShellResult java = Sh("docker run --rm --entrypoint java " + image + " -version");
  EXPECT_EQ(java.status, 0) << java.output;
  EXPECT_NE(java.output.find("openjdk version \"17"), std::string::npos) << java.output;
  EXPECT_EQ(Sh("docker image inspect -f '{{index .Config.Labels \"org.example.built-by\"}}' " + image).output, "kiln\n");
  EXPECT_NE(Sh("docker image inspect -f '{{json .Config.ExposedPorts}}' " + image).output.find("\"8080/tcp\""),
            std::string::npos);
  EXPECT_EQ(ContainersOfRun(b.uuid), "");
  EXPECT_TRUE(fs::is_empty(b.tmp));
  Sh("docker rmi -f " + image);
}

// environment_vars reach the script through the exec's environment: no
// process on the host (the container's included) shows the value in its
// command line while the script runs.
TEST(DockerBuild, EnvironmentVarsNeverShowInTheProcessList) {
  KILN_REQUIRE_DOCKER();
  Build b;
  std::set<std::string> seen;
  RunResult r = RunKilnWatchingPs("build env-vars-ps.json", kDir, b.Env(), "kiln-ps-value-7f3a", seen);
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("docker: seen kiln-ps-value-7f3a it's\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("docker: seen in a script kiln-ps-value-7f3a it's\n"), std::string::npos) << r.out;
  EXPECT_TRUE(seen.empty()) << *seen.begin();
}

// A sensitive value holding ' was logged shell-quoted ('it'"'"'s ...) in
// the "docker exec" debug line, a form the masker did not know.
TEST(DockerBuild, ASecretWithAQuoteIsMaskedInTheDebugLog) {
  KILN_REQUIRE_DOCKER();
  Build b;
  RunResult r = RunKiln("build secret-quoted.json", kDir, b.Env() + " KILN_LOG=1");
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("docker: default: <sensitive>\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("docker: custom: <sensitive>\n"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("docker exec "), std::string::npos) << r.err;  // the log is on
  EXPECT_EQ(r.all().find("s3cret"), std::string::npos) << r.all();
}

// A multi-line secret printed by a script arrives line by line, and a
// secret at the 1 MiB point where a long output line is split arrives in
// two pieces: neither may show, in human or -machine-readable output or
// the debug log.
TEST(DockerBuild, SecretLinesAndSecretsAtALineSplitAreMasked) {
  KILN_REQUIRE_DOCKER();
  Build b;
  for (const std::string& flags : {"", "-machine-readable "}) {
    RunResult r = RunKiln("build " + flags + "secret-lines.json", kDir, b.Env() + " KILN_LOG=1");
    std::string all = r.all();
    auto around = [&](std::string_view what) {
      std::size_t at = all.find(what);
      return at == std::string::npos ? std::string() : all.substr(at < 200 ? 0 : at - 200, 400);
    };
    ASSERT_EQ(r.exit_code, 0) << around("Error");
    EXPECT_NE(all.find("done"), std::string::npos) << flags;
    for (std::string_view leak : {"s3cret", "BEGIN KILN", "END KILN", "kiln-straddle", "kiln-line"})
      EXPECT_EQ(all.find(leak), std::string::npos) << flags << leak << ":\n" << around(leak);
  }
}

TEST(DockerBuild, AFailingProvisionerFailsTheBuildAndLeavesNothing) {
  KILN_REQUIRE_DOCKER();
  Build b;
  RunResult r = b.Run("exit3.json");
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.out.find("about to fail"), std::string::npos) << r.all();
  EXPECT_TRUE(std::regex_search(r.err, std::regex("Build 'docker' errored.*status 3"))) << r.err;
  EXPECT_EQ(ContainersOfRun(b.uuid), "");
  EXPECT_TRUE(fs::is_empty(b.tmp));
}

TEST(DockerBuild, ABadImageNameIsAClearErrorAndLeavesNothing) {
  KILN_REQUIRE_DOCKER();
  Build b;
  RunResult r = b.Run("bad-image.json");
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("kiln-test/no-such-image:never"), std::string::npos) << r.err;
  EXPECT_EQ(ContainersOfRun(b.uuid), "");
}

TEST(DockerBuild, AMissingScriptFailsBeforeAnyContainer) {
  KILN_REQUIRE_DOCKER();
  Build b;
  RunResult r = b.Run("missing-script.json");
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("scripts/no-such-script.sh"), std::string::npos) << r.err;
  EXPECT_EQ(ContainersOfRun(b.uuid), "");
}

// Starts kiln, waits until its debug log shows `marker`, sends SIGINT, and
// returns the exit code.
int InterruptAt(const Build& b, const std::string& marker, std::string* log_text) {
  fs::path log = b.tmp.parent_path() / ("kiln-log-" + b.uuid + "-" + std::to_string(std::rand()));
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  env_strings.push_back("PACKER_RUN_UUID=" + b.uuid);
  env_strings.push_back("TMPDIR=" + b.tmp.string());
  env_strings.push_back("KILN_LOG=1");
  env_strings.push_back("KILN_LOG_PATH=" + log.string());
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string bin = KILN_BINARY, cmd = "build", tpl = kDir + "/interrupt.json";
  char* argv[] = {bin.data(), cmd.data(), tpl.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  if (posix_spawn(&pid, bin.c_str(), &actions, nullptr, argv, envp.data()) != 0) return -1;
  posix_spawn_file_actions_destroy(&actions);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool seen = false;
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    seen = ReadAll(log).find(marker) != std::string::npos;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    int status;
    if (!seen && ::waitpid(pid, &status, WNOHANG) == pid) return -2;  // finished before the marker
  }
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  *log_text = ReadAll(log);
  fs::remove(log);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(DockerBuild, InterruptAtEveryStepCleansUp) {
  KILN_REQUIRE_DOCKER();
  for (const char* step : {"running StepCreateContainer", "running StepProvision", "Provisioning with file",
                           "Provisioning with shell", "running StepCommit"}) {
    SCOPED_TRACE(step);
    Build b;
    std::string log;
    int code = InterruptAt(b, step, &log);
    if (code == -2) continue;  // the build finished before the step could be caught
    EXPECT_EQ(code, 1) << log;
    EXPECT_EQ(ContainersOfRun(b.uuid), "") << log;
    EXPECT_TRUE(fs::is_empty(b.tmp)) << log;
  }
}

TEST(DockerBuild, ParallelBuildsOverlap) {
  KILN_REQUIRE_DOCKER();
  Build b;
  RunResult r = b.Run("parallel.json");
  ASSERT_EQ(r.exit_code, 0) << r.all();
  auto times = [&](const std::string& name) {
    std::smatch m;
    std::regex re(name + R"(: start ([0-9.]+)[\s\S]*)" + name + R"(: end ([0-9.]+))");
    EXPECT_TRUE(std::regex_search(r.out, m, re)) << r.out;
    return std::pair(std::stod(m[1]), std::stod(m[2]));
  };
  auto [start1, end1] = times("one");
  auto [start2, end2] = times("two");
  EXPECT_LT(start1, end2);
  EXPECT_LT(start2, end1);  // the two sleeps ran at the same time
  RunResult serial = b.Run("-parallel-builds=1 parallel.json");
  ASSERT_EQ(serial.exit_code, 0) << serial.all();
}

}  // namespace
}  // namespace kiln::testing
