// docker-tag + docker-push against a real registry: Debian's docker-registry
// with htpasswd basic auth on a free 127.0.0.1 port, its storage in a temp
// dir, started once for this suite and stopped at its end. What arrived is
// read back from the registry's API; every output is searched for the
// password in each form software around kiln might encode it. Each test has
// its own registry (it starts in about a second), so none sees another's pushes.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "docker_world.h"
#include "kiln_runner.h"
#include "ui/masker.h"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;
const std::string kFixtures = KILN_FIXTURES_DIR "/docker_pp";
constexpr char kUser[] = "kiln";
// Characters that JSON, URL and base64 encodings all change.
constexpr char kPassword[] = "Kiln pw/+=,\"x9&q";

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

std::string Quote(const std::string& s) {  // for sh -c
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// One registry; `why_not` is set when it cannot run here.
struct Registry {
  fs::path dir;
  int port = 0;
  std::string why_not;

  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
  void Start() {
    if (Sh("command -v docker-registry && command -v htpasswd").status != 0) {
      ShellResult install = Sh("bash " KILN_SOURCE_DIR "/scripts/install-deps.sh registry");
      if (install.status != 0) {
        why_not = "docker-registry is not installed and cannot be: " + install.output;
        return;
      }
    }
    char tmpl[] = "/tmp/kiln-registry-test.XXXXXX";
    if (!::mkdtemp(tmpl)) {
      why_not = "mkdtemp failed";
      return;
    }
    dir = tmpl;
    for (int attempt = 0; attempt < 3; ++attempt) {
      port = FreePort();
      ShellResult r = Sh("bash " KILN_SOURCE_DIR "/scripts/start-registry.sh " + std::to_string(port) + " " + kUser +
                         " " + Quote(kPassword) + " " + dir.string());
      if (r.status == 0) return;
      why_not = "the registry did not start: " + r.output;
    }
  }
  void Stop() {
    if (dir.empty()) return;
    Sh("test -s " + (dir / "registry.pid").string() + " && kill $(cat " + (dir / "registry.pid").string() + ")");
    // Wait for it to go, so its files can be removed.
    Sh("for i in $(seq 50); do kill -0 $(cat " + (dir / "registry.pid").string() +
       ") 2>/dev/null || break; sleep 0.1; done");
    fs::remove_all(dir);
    dir.clear();
  }
  // GET `path` from the registry's API with the right credentials.
  ShellResult Get(const std::string& path, const std::string& curl_flags = "-s") const {
    return Sh("curl " + curl_flags + " -u " + Quote(std::string(kUser) + ":" + kPassword) + " http://" + address() +
              path);
  }
};

class DockerPush : public ::testing::Test {
 protected:
  void SetUp() override {
    KILN_REQUIRE_DOCKER();
    registry_.Start();
    if (!registry_.why_not.empty()) GTEST_SKIP() << registry_.why_not;
    static int n = 0;
    uuid_ = "kiln-push-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
    tmp_ = fs::path(::testing::TempDir()) / uuid_;
    fs::create_directories(tmp_ / "tmp");
  }
  void TearDown() override {
    registry_.Stop();
    if (uuid_.empty()) return;  // skipped before anything was made
    for (const std::string& image : images_) Sh("docker rmi -f " + image + " >/dev/null 2>&1");
    Sh("docker rm -f $(docker ps -aq --filter name=kiln-" + uuid_ + ") >/dev/null 2>&1");
    fs::remove_all(tmp_);
  }

  void WriteVarFile(const std::string& password) {
    nlohmann::json vars = {{"registry", registry->address()}, {"registry_password", password}};
    std::ofstream(tmp_ / "creds.json") << vars.dump();
  }
  RunResult Build(const std::string& args, const std::string& extra_env = "") {
    std::string env = "PACKER_RUN_UUID=" + uuid_ + " TMPDIR=" + (tmp_ / "tmp").string() +
                      " KILN_LOG=1 KILN_LOG_PATH=" + (tmp_ / "kiln.log").string() + " " + extra_env;
    RunResult r = RunKiln("build " + args, tmp_.string(), env);
    log_ = ReadAll((tmp_ / "kiln.log").string());
    // Whatever the run left, the test removes.
    const std::regex image_id(R"(Image ID: (sha256:[0-9a-f]{64}))");
    for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), image_id); it != std::sregex_iterator(); ++it)
      images_.push_back((*it)[1]);
    return r;
  }
  // No form of `secret` in stdout, stderr or the debug log.
  void ExpectNowhere(const std::string& secret, const RunResult& r) {
    std::vector<std::string> forms = {secret, ui::JsonEscape(secret), ui::UrlEncode(secret, false),
                                      ui::UrlEncode(secret, true), ui::Base64(secret),
                                      ui::Base64(std::string(kUser) + ":" + secret)};
    for (const std::string& form : forms) {
      SCOPED_TRACE(form);
      EXPECT_EQ(r.out.find(form), std::string::npos);
      EXPECT_EQ(r.err.find(form), std::string::npos);
      EXPECT_EQ(log_.find(form), std::string::npos);
    }
  }

  std::string Repo() const { return registry_.address() + "/packer_test"; }

  Registry registry_;
  Registry* registry = &registry_;
  std::string uuid_;
  fs::path tmp_;
  std::string log_;
  std::vector<std::string> images_;
};

TEST_F(DockerPush, SeedChainTagsAndPushesWithLogin) {
  WriteVarFile(kPassword);
  RunResult r = Build("-var-file=creds.json -only=docker '" + kFixtures + "/push.json'");
  images_.push_back(Repo() + ":0.1");
  ASSERT_EQ(r.exit_code, 0) << r.all() << log_;
  EXPECT_EQ(r.out.find("amazon-ebs"), std::string::npos) << r.out;  // -only skipped it

  // The registry has the tag, and the digest kiln reports is the one it stores.
  ShellResult tags = registry->Get("/v2/packer_test/tags/list");
  EXPECT_EQ(nlohmann::json::parse(tags.output, nullptr, false), nlohmann::json::parse(R"({"name":"packer_test","tags":["0.1"]})"))
      << tags.output;
  ShellResult head = registry->Get("/v2/packer_test/manifests/0.1",
                                   "-s -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json'");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(head.output, m, std::regex(R"(Docker-Content-Digest: (sha256:[0-9a-f]{64}))",
                                                           std::regex::icase)))
      << head.output;
  std::string stored = m[1];
  EXPECT_NE(r.out.find("--> docker: Imported Docker image: " + Repo() + ":0.1 with tags " + Repo() +
                       ":0.1 (pushed, digest " + stored + ")"),
            std::string::npos)
      << r.out;
  // Per-layer progress went by, and the builder's image was kept (docker-tag keeps its input).
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(docker \(docker-push\): [0-9a-f]{12}: Pushed)"))) << r.out;
  EXPECT_NE(r.out.find("--> docker: Imported Docker image: sha256:"), std::string::npos) << r.out;
  EXPECT_EQ(Sh("docker image inspect -f '{{index .Config.Labels \"org.example.built-by\"}}' " + Repo() + ":0.1").output,
            "kiln\n");

  ExpectNowhere(kPassword, r);
  EXPECT_EQ(ContainersOfRun(uuid_), "");
}

TEST_F(DockerPush, AWrongPasswordIsAClearErrorAndKeepsTheImage) {
  const std::string wrong = "not-the-Password/+= 7";
  WriteVarFile(wrong);
  RunResult r = Build("-var-file=creds.json -only=docker '" + kFixtures + "/push.json'");
  images_.push_back(Repo() + ":0.1");
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("authentication to registry " + registry->address() + " failed for user 'kiln'"),
            std::string::npos)
      << r.err;
  // The local image stays; the registry got nothing.
  EXPECT_EQ(Sh("docker image inspect -f ok " + Repo() + ":0.1").output, "ok\n");
  ShellResult catalog = registry->Get("/v2/_catalog");
  EXPECT_EQ(catalog.output.find("packer_test"), std::string::npos) << catalog.output;
  ExpectNowhere(wrong, r);
  EXPECT_EQ(ContainersOfRun(uuid_), "");
}

// Without login, the docker CLI's config.json gives the credentials: here
// through a credential helper (a script on PATH), as credsStore/credHelpers do.
TEST_F(DockerPush, WithoutLoginUsesTheDockerConfigCredentialHelper) {
  fs::create_directories(tmp_ / "docker" / "bin");
  std::ofstream(tmp_ / "docker" / "config.json")
      << nlohmann::json{{"credHelpers", {{registry->address(), "kilntest"}}}}.dump();
  fs::path helper = tmp_ / "docker" / "bin" / "docker-credential-kilntest";
  {
    nlohmann::json answer = {{"ServerURL", registry->address()}, {"Username", kUser}, {"Secret", kPassword}};
    std::ofstream out(helper);
    out << "#!/bin/sh\n[ \"$1\" = get ] || exit 2\nread server\n[ \"$server\" = " << Quote(registry->address())
        << " ] || { echo 'credentials not found in native keychain'; exit 1; }\ncat <<'EOF'\n"
        << answer.dump() << "\nEOF\n";
  }
  fs::permissions(helper, fs::perms::owner_all);
  RunResult r = Build("-var 'registry=" + registry->address() + "' -var repository=from_helper '" + kFixtures +
                          "/push-config-json.json'",
                      "DOCKER_CONFIG=" + (tmp_ / "docker").string() + " PATH=" + (tmp_ / "docker" / "bin").string() +
                          ":$PATH");
  images_.push_back(registry->address() + "/from_helper:0.2");
  ASSERT_EQ(r.exit_code, 0) << r.all() << log_;
  EXPECT_NE(r.out.find("Deprecation warning: \"tag\""), std::string::npos) << r.out;
  ShellResult tags = registry->Get("/v2/from_helper/tags/list");
  EXPECT_NE(tags.output.find("\"0.2\""), std::string::npos) << tags.output;
  ExpectNowhere(kPassword, r);
}

}  // namespace
}  // namespace kiln::testing
