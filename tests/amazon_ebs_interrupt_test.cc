// amazon-ebs interrupted while an EC2 create call is in flight (issue 13):
// kiln talks to moto through tests/fixtures/aws/delay_proxy.py, which holds
// every request 0.5 s and says when each arrives; the test signals kiln the
// moment the chosen call has reached the proxy, so the call is in flight for
// certain, with no timing guesses. Afterwards moto must hold nothing at all
// (instances, key pairs, security groups, AMIs, snapshots, volumes) and kiln
// must exit 1.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <regex>
#include <thread>

#include "aws_world.h"
#include "util/subprocess.h"

namespace kiln::testing {
namespace {

using namespace std::chrono_literals;

const std::string kFixtures = KILN_FIXTURES_DIR "/aws/";

// delay_proxy.py in front of moto. `on_received` is called, on the proxy's
// reader thread, with each action as its request arrives (before it is held).
class DelayProxy {
 public:
  DelayProxy(MotoWorld& moto, std::vector<std::string> flags, std::function<void(const std::string&)> on_received)
      : on_received_(std::move(on_received)) {
    std::vector<std::string> argv = {moto.python(), kFixtures + "delay_proxy.py", moto.endpoint()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    Result<Subprocess> p = Subprocess::Start({.argv = argv});
    if (!p) {
      ADD_FAILURE() << p.error().Message();
      port_.set_value("");
      return;
    }
    process_ = std::move(*p);
    reader_ = std::thread([this] {
      bool told = false;
      (void)process_.Wait(
          &stop_,
          [&](std::string_view line) {
            if (line.starts_with("port ") && !std::exchange(told, true)) port_.set_value(std::string(line.substr(5)));
            if (line.starts_with("received ")) {
              {
                std::lock_guard lock(mu_);
                ++in_flight_;
              }
              on_received_(std::string(line.substr(9)));
            }
            if (line.starts_with("done ")) {
              std::lock_guard lock(mu_);
              --in_flight_;
              idle_.notify_all();
            }
          },
          [](std::string_view line) { std::fprintf(stderr, "delay_proxy: %.*s\n", int(line.size()), line.data()); });
      if (!told) port_.set_value("");
    });
  }
  ~DelayProxy() {
    stop_.Cancel();
    if (reader_.joinable()) reader_.join();
  }

  // Waits until moto has answered every request the proxy received (the
  // proxy forwards a request even after its caller hung up).
  bool WaitIdle() {
    std::unique_lock lock(mu_);
    return idle_.wait_for(lock, 120s, [this] { return in_flight_ == 0; });
  }

  // Its endpoint, once it listens; empty if it did not start.
  std::string endpoint() {
    std::future<std::string> f = port_.get_future();
    if (f.wait_for(30s) != std::future_status::ready) return "";
    std::string port = f.get();
    return port.empty() ? "" : "http://127.0.0.1:" + port;
  }

 private:
  std::function<void(const std::string&)> on_received_;
  Subprocess process_;
  CancelToken stop_;
  std::promise<std::string> port_;
  std::mutex mu_;
  std::condition_variable idle_;
  int in_flight_ = 0;
  std::thread reader_;
};

// One signal plan: send `signal` when `action` arrives the `nth` time; then,
// if `again_on` is set, the same signal again when `again_on` next arrives
// (an interrupt during the cleanup).
struct Plan {
  std::string action;
  int signal = SIGINT;
  int nth = 1;
  std::string again_on;
};

struct Outcome {
  int status = -1;
  std::string out;
  int signals_sent = 0;
};

// Runs `tmpl` through the proxy, signalling kiln as `plan` says.
Outcome BuildInterrupted(MotoWorld& moto, const std::string& tmpl, const Plan& plan,
                         std::vector<std::string> proxy_flags = {}) {
  std::promise<pid_t> pid_promise;
  std::shared_future<pid_t> kiln_pid = pid_promise.get_future().share();
  std::mutex mu;
  int seen = 0, sent = 0;
  DelayProxy proxy(moto, proxy_flags, [&](const std::string& action) {
    std::lock_guard lock(mu);
    bool first = sent == 0 && action == plan.action && ++seen == plan.nth;
    bool again = sent == 1 && !plan.again_on.empty() && action == plan.again_on;
    if (!first && !again) return;
    if (pid_t pid = kiln_pid.get(); pid > 0) ::kill(pid, plan.signal);  // the call is held by the proxy: in flight
    ++sent;
  });
  std::string endpoint = proxy.endpoint();
  if (endpoint.empty()) {
    ADD_FAILURE() << "delay_proxy.py did not start";
    return {};
  }
  std::vector<std::string> env;
  std::istringstream envs(moto.ClientEnv());
  for (std::string kv; envs >> kv;) env.push_back(kv);
  static std::atomic<int> n = 0;
  std::string suffix = "-" + std::to_string(::getpid()) + "-i" + std::to_string(n++);
  Result<Subprocess> kiln = Subprocess::Start({.argv = {KILN_BINARY, "build", "-color=false", "-var",
                                                        "endpoint=" + endpoint, "-var", "ami_suffix=" + suffix,
                                                        kFixtures + tmpl},
                                               .env = env});
  if (!kiln) {
    pid_promise.set_value(-1);
    ADD_FAILURE() << kiln.error().Message();
    return {};
  }
  pid_promise.set_value(kiln->pid());
  Outcome o;
  Result<int> status = kiln->Wait(
      nullptr, [&](std::string_view l) { o.out += std::string(l) + "\n"; },
      [&](std::string_view l) { o.out += std::string(l) + "\n"; });
  EXPECT_TRUE(status) << status.error().Message();
  o.status = status.value_or(-1);
  EXPECT_TRUE(proxy.WaitIdle()) << "moto never answered a request kiln made";
  std::lock_guard lock(mu);
  o.signals_sent = sent;
  return o;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += "  " + s + "\n";
  return out;
}

struct Case {
  const char* name;
  Plan plan;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class AmazonEbsInterrupt : public ::testing::TestWithParam<Case> {};

// For each create call base.json makes: an interrupt while it is in flight
// leaves nothing behind, and kiln exits 1.
TEST_P(AmazonEbsInterrupt, WhileCreateCallIsInFlightLeavesNothing) {
  MotoWorld moto;
  KILN_REQUIRE_MOTO(moto);
  const Plan& plan = GetParam().plan;
  nlohmann::json before = moto.Resources();
  // The interrupted call is held 1.5 s: well past the signal's arrival.
  Outcome o = BuildInterrupted(moto, "base.json", plan, {"--hold", plan.action + "=1.5"});
  std::vector<std::string> actions = moto.TakeActions();
  std::printf("EC2 actions, interrupted during %s:\n%s", plan.action.c_str(), Join(actions).c_str());
  EXPECT_EQ(o.signals_sent, plan.again_on.empty() ? 1 : 2) << o.out;
  EXPECT_EQ(o.status, 1) << o.out;
  EXPECT_NE(o.out.find("Cancelling build after receiving interrupt..."), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("finished"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("Cleanly cancelled builds after being interrupted."), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("--> amazon-ebs: removed: "), std::string::npos) << o.out;
  moto.ExpectNothingLeft(moto.Resources(), before);
}

INSTANTIATE_TEST_SUITE_P(
    EachCreateCall, AmazonEbsInterrupt,
    ::testing::Values(Case{"CreateKeyPairSigint", {.action = "CreateKeyPair", .signal = SIGINT}},
                      Case{"CreateSecurityGroupSigterm", {.action = "CreateSecurityGroup", .signal = SIGTERM}},
                      Case{"RunInstancesSigint", {.action = "RunInstances", .signal = SIGINT}},
                      Case{"RunInstancesSigterm", {.action = "RunInstances", .signal = SIGTERM}},
                      Case{"CreateImageSigint", {.action = "CreateImage", .signal = SIGINT}},
                      Case{"CopyImageSigterm", {.action = "CopyImage", .signal = SIGTERM}},
                      // A second interrupt while the cleanup terminates the instance.
                      Case{"RunInstancesThenAgainDuringCleanup",
                           {.action = "RunInstances", .signal = SIGINT, .again_on = "TerminateInstances"}}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

// An interrupt during the final cleanup (every step done, the AMIs made, the
// instance being terminated): kiln does not say "finished" with no
// artifacts; it reports the AMIs it made and kept and what it removed.
TEST(AmazonEbsInterruptCleanup, DuringFinalCleanupReportsWhatWasMadeAndRemoved) {
  MotoWorld moto;
  KILN_REQUIRE_MOTO(moto);
  Outcome o = BuildInterrupted(moto, "base.json", {.action = "TerminateInstances", .signal = SIGINT});
  std::vector<std::string> actions = moto.TakeActions();
  std::printf("EC2 actions, interrupted during the final cleanup:\n%skiln's output:\n%s", Join(actions).c_str(),
              o.out.c_str());
  EXPECT_EQ(o.signals_sent, 1) << o.out;
  EXPECT_EQ(o.status, 1) << o.out;
  EXPECT_EQ(o.out.find("finished"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("Build 'amazon-ebs' was interrupted after"), std::string::npos) << o.out;
  nlohmann::json res = moto.Resources();
  moto.ExpectNothingTemporary(res);
  // The finished AMIs are kept, and reported as made.
  for (const char* region : {"us-east-1", "us-west-2"}) {
    ASSERT_EQ(res[region]["images"].size(), 1u) << region << ": " << res.dump();
    std::string ami = res[region]["images"][0]["id"];
    EXPECT_NE(o.out.find(std::string(region) + ": " + ami), std::string::npos) << "kept artifact listed\n" << o.out;
    EXPECT_NE(o.out.find("AMI " + ami + " in " + region), std::string::npos) << "made list\n" << o.out;
  }
  EXPECT_NE(o.out.find("--> amazon-ebs: kept: AMIs were created:"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("left behind"), std::string::npos) << "the kept AMIs are not leftovers\n" << o.out;
  EXPECT_NE(o.out.find("Cleanly cancelled builds after being interrupted."), std::string::npos) << o.out;
  std::smatch removed;
  ASSERT_TRUE(std::regex_search(o.out, removed, std::regex("--> amazon-ebs: removed: ([^\n]*)"))) << o.out;
  EXPECT_NE(removed[1].str().find("instance i-"), std::string::npos) << o.out;
  EXPECT_NE(removed[1].str().find("security group sg-"), std::string::npos) << o.out;
  EXPECT_NE(removed[1].str().find("key pair kiln_"), std::string::npos) << o.out;
}

// RunInstances' answer is lost once (the connection drops after EC2 took the
// call): the retry carries the same ClientToken, so one instance is launched.
TEST(AmazonEbsInterruptCleanup, RetriedRunInstancesLaunchesOneInstance) {
  MotoWorld moto;
  KILN_REQUIRE_MOTO(moto);
  Outcome o = BuildInterrupted(moto, "base.json", {.action = "none"}, {"--drop-answer", "RunInstances"});
  std::vector<std::string> actions = moto.TakeActions();
  std::printf("EC2 actions, RunInstances' first answer lost:\n%s", Join(actions).c_str());
  EXPECT_EQ(o.status, 0) << o.out;
  EXPECT_EQ(std::ranges::count(actions, "us-east-1 RunInstances"), 2) << Join(actions);
  nlohmann::json res = moto.Resources();
  moto.ExpectNothingTemporary(res);
  EXPECT_EQ(res["us-east-1"]["launched"], 1) << "one instance for one ClientToken: " << res.dump();
}

// A create call whose answer is lost (the connection drops after EC2 took the
// call, on the first try and the one retry lost_answer.json allows): kiln
// never learns the ID, so its cleanup finds the resource by the build tag
// (instances, volumes) or its unique name (key pair, security group, AMIs).
class AmazonEbsLostAnswer : public ::testing::TestWithParam<const char*> {};

TEST_P(AmazonEbsLostAnswer, ResourceIsFoundAndRemoved) {
  MotoWorld moto;
  KILN_REQUIRE_MOTO(moto);
  std::string action = GetParam();
  nlohmann::json before = moto.Resources();
  Outcome o = BuildInterrupted(moto, "lost_answer.json", {.action = "none"}, {"--drop-answer", action + "=2"});
  std::vector<std::string> actions = moto.TakeActions();
  std::printf("EC2 actions, %s's answers lost:\n%s", action.c_str(), Join(actions).c_str());
  EXPECT_EQ(o.status, 1) << o.out;
  EXPECT_GE(std::ranges::count(actions, "us-" + std::string(action == "CopyImage" ? "west-2 " : "east-1 ") + action), 1)
      << Join(actions);
  moto.ExpectNothingLeft(moto.Resources(), before);
}

INSTANTIATE_TEST_SUITE_P(EachCreateCall, AmazonEbsLostAnswer,
                         ::testing::Values("CreateKeyPair", "CreateSecurityGroup", "RunInstances", "CreateImage",
                                           "CopyImage"));

}  // namespace
}  // namespace kiln::testing
