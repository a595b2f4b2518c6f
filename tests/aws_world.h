// The test world for amazon-ebs builds: a moto_server (EC2 emulator) on
// 127.0.0.1 with SigV4 enforced, started by scripts/start-moto.sh through the
// launcher in tests/fixtures/aws (fidelity fixes and fault injection listed
// in tests/fixtures/aws/README.md). One per test: each starts from an empty
// account, and the server is killed when the world goes.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "docker_world.h"
#include "kiln_runner.h"

namespace kiln::testing {

class MotoWorld {
 public:
  // `env` is extra environment for the launcher ("MOTO_IMAGE_PENDING_SECONDS=60").
  explicit MotoWorld(const std::string& env = "") {
    dir_ = std::filesystem::temp_directory_path() /
           ("kiln-moto-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    ShellResult r = Sh("env " + env + " bash " KILN_SOURCE_DIR "/scripts/start-moto.sh " + dir_.string());
    if (r.status == 2) {
      unavailable_ = "moto_server is not installed: " + r.output;
      return;
    }
    if (r.status != 0) {
      unavailable_ = "moto_server did not start: " + r.output;
      failed_ = true;
      return;
    }
    std::istringstream in(ReadAll((dir_ / "env").string()));
    std::string line;
    while (std::getline(in, line)) {
      size_t eq = line.find('=');
      if (eq != std::string::npos) vars_[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  ~MotoWorld() {
    if (vars_.contains("MOTO_PID")) ::kill(-std::stoi(vars_["MOTO_PID"]), SIGTERM);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  MotoWorld(const MotoWorld&) = delete;
  MotoWorld& operator=(const MotoWorld&) = delete;

  const std::optional<std::string>& unavailable() const { return unavailable_; }
  bool failed() const { return failed_; }
  std::string endpoint() { return vars_["MOTO_ENDPOINT"]; }
  std::string key() { return vars_["AWS_ACCESS_KEY_ID"]; }
  std::string secret() { return vars_["AWS_SECRET_ACCESS_KEY"]; }
  std::filesystem::path actions_log() const { return dir_ / "actions.log"; }
  // The Python that runs moto (it has boto3 too).
  std::string python() { return vars_["MOTO_PYTHON"]; }

  // Environment for a client: the IAM user's keys, quick waiters, no IMDS.
  std::string ClientEnv(const std::string& secret_override = "") {
    return "AWS_ACCESS_KEY_ID=" + key() + " AWS_SECRET_ACCESS_KEY=" +
           (secret_override.empty() ? secret() : secret_override) +
           " AWS_POLL_DELAY_SECONDS=1 AWS_EC2_METADATA_DISABLED=true HOME=" + dir_.string();
  }

  // The API actions made since the last call ("us-east-1 RunInstances"), in order.
  std::vector<std::string> TakeActions() {
    std::vector<std::string> out;
    std::istringstream in(ReadAll(actions_log().string()));
    std::string time, region, action, key;
    while (in >> time >> region >> action >> key) out.push_back(region + " " + action);
    std::filesystem::remove(actions_log());
    return out;
  }

  // Creates a Secrets Manager secret in `region` (tests/fixtures/aws/put_secret.py);
  // `value` is the SecretString, or the SecretBinary's bytes when `binary`.
  void PutSecret(const std::string& name, const std::string& value, bool binary = false,
                 const std::string& region = "us-east-1") {
    auto quote = [](const std::string& s) {
      std::string q = "'";
      for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
      return q + "'";
    };
    ShellResult r = Sh("env " + ClientEnv() + " " + python() + " " KILN_FIXTURES_DIR "/aws/put_secret.py " +
                       endpoint() + " " + region + " " + quote(name) + " " + quote(value) + (binary ? " --binary" : ""));
    std::filesystem::remove(actions_log());  // the set-up is not the client's
    if (r.status != 0) ADD_FAILURE() << "put_secret.py " << name << ": " << r.output;
  }

  // What moto holds, per region (tests/fixtures/aws/list_resources.py).
  nlohmann::json Resources(const std::vector<std::string>& regions = {"us-east-1", "us-west-2"}) {
    std::string cmd = "env " + ClientEnv() + " " + python() + " " KILN_FIXTURES_DIR
                      "/aws/list_resources.py " + endpoint();
    for (const std::string& r : regions) cmd += " " + r;
    ShellResult r = Sh(cmd);
    std::filesystem::remove(actions_log());  // the listing is not the client's
    nlohmann::json j = nlohmann::json::parse(r.output, nullptr, false);
    if (j.is_discarded()) ADD_FAILURE() << "list_resources.py: " << r.output;
    return j;
  }

  // Fails the test if anything at all is left in any region that was not
  // there `before` (moto's own images come with snapshots): no temporary
  // resource, and no AMI, snapshot or volume either.
  void ExpectNothingLeft(const nlohmann::json& resources, const nlohmann::json& before) {
    ExpectNothingTemporary(resources);
    auto added = [](const nlohmann::json& now, const nlohmann::json& then) {
      nlohmann::json out = nlohmann::json::array();
      for (const nlohmann::json& x : now)
        if (std::find(then.begin(), then.end(), x) == then.end()) out.push_back(x);
      return out;
    };
    for (const auto& [region, r] : resources.items()) {
      EXPECT_EQ(r["images"].size(), 0u) << region << ": AMIs left: " << r["images"].dump();
      nlohmann::json snapshots = added(r["snapshots"], before[region]["snapshots"]);
      EXPECT_EQ(snapshots.size(), 0u) << region << ": snapshots left: " << snapshots.dump();
      nlohmann::json volumes = added(r["volumes"], before[region]["volumes"]);
      EXPECT_EQ(volumes.size(), 0u) << region << ": volumes left: " << volumes.dump();
    }
  }

  // Fails the test if any temporary resource is left in any region.
  void ExpectNothingTemporary(const nlohmann::json& resources) {
    for (const auto& [region, r] : resources.items()) {
      EXPECT_EQ(r["instances"].size(), 0u) << region << ": instances not terminated: " << r["instances"].dump();
      EXPECT_EQ(r["key_pairs"].size(), 0u) << region << ": key pairs left: " << r["key_pairs"].dump();
      EXPECT_EQ(r["security_groups"].size(), 0u) << region << ": security groups left: " << r["security_groups"].dump();
    }
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::map<std::string, std::string> vars_;
  std::optional<std::string> unavailable_;
  bool failed_ = false;
};

// Skips when moto_server is missing; fails when it is there but broken.
#define KILN_REQUIRE_MOTO(world)                                        \
  do {                                                                  \
    if ((world).unavailable()) {                                        \
      if ((world).failed()) FAIL() << *(world).unavailable();           \
      GTEST_SKIP() << *(world).unavailable();                           \
    }                                                                   \
  } while (0)

}  // namespace kiln::testing
