#include "ui/captured_output.h"
#include "engine/provision_hook.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <thread>

#include "catalog/catalog.h"

namespace kiln::engine {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Events = std::vector<std::string>;
using Captured = ui::CapturedOutput;

// Provisioners reach no machine in these tests.
class NullCommunicator : public Communicator {
 public:
  Result<int> Run(const RemoteCommand&, const CancelToken&) override { return 0; }
  Result<void> Upload(const std::string&, UploadSource, const CancelToken&) override { return {}; }
  Result<void> UploadDir(const std::string&, const std::filesystem::path&, const CancelToken&) override { return {}; }
  Result<void> Download(const std::string&, std::ostream&, const CancelToken&) override { return {}; }
  Result<void> DownloadDir(const std::string&, const std::filesystem::path&, const CancelToken&) override { return {}; }
};

// Records "provision <say>"; fails its first `fail_times` calls; with
// `wait_for_cancel` blocks until its token trips.
class FakeProvisioner : public Provisioner {
 public:
  FakeProvisioner(nlohmann::json config, Events& events) : config_(std::move(config)), events_(events) {
    failures_ = config_.value("fail_times", 0);
  }
  Result<void> Provision(BuildContext& ctx, Communicator&) override {
    events_.push_back("provision " + config_.value("say", std::string()));
    if (config_.value("wait_for_cancel", false)) {
      if (ctx.cancel->SleepFor(5s)) return std::unexpected(MakeError("never cancelled"));
      return std::unexpected(MakeError("cancelled"));
    }
    if (failures_-- > 0) return std::unexpected(MakeError("flaky failure"));
    return {};
  }

 private:
  nlohmann::json config_;
  Events& events_;
  int failures_;
};

class ProvisionHookTest : public ::testing::Test {
 protected:
  ProvisionHookTest() {
    ctx_.build_name = "b";
    ctx_.build_type = "fake";
    ctx_.ui = &ui_;
    ctx_.cancel = &cancel_;
    ctx_.packer_run_uuid = "uuid-7";
    ctx_.interp.build_name = "b";
    ctx_.interp.build_keys = {"ID", "Host", "PackerRunUUID"};
  }

  tmpl::Prepared<tmpl::Provisioner> Make(std::string type, nlohmann::json config, nlohmann::json common) {
    tmpl::Provisioner& source = sources_.emplace_back();
    source.type = std::move(type);
    source.label = fmt::format("provisioner {}", sources_.size());
    tmpl::Prepared<tmpl::Provisioner> p{.source = &source};
    p.config.values = std::move(config);
    p.common.values = {{"pause_before", nullptr}, {"max_retries", 0}, {"timeout", nullptr}};
    p.common.values.update(common);
    return p;
  }
  void Add(nlohmann::json config, nlohmann::json common = nlohmann::json::object()) {
    build_.provisioners.push_back(Make("fake", std::move(config), std::move(common)));
  }
  ProvisionerMaker Factory() {
    return [this](std::string_view type, const tmpl::DecodedConfig& c) -> Result<std::unique_ptr<Provisioner>> {
      if (type == "broken") return std::unexpected(MakeError("cannot make broken"));
      return std::make_unique<FakeProvisioner>(c.values, events_);
    };
  }
  Result<void> Run() {
    TemplateProvisionHook hook(build_, Factory(), 10ms);
    return hook.Run(ctx_, comm_);
  }

  Captured cap_;
  ui::Ui ui_{cap_.output(), ui::UiOptions{}, "b"};
  CancelToken cancel_;
  BuildContext ctx_;
  NullCommunicator comm_;
  std::deque<tmpl::Provisioner> sources_;
  tmpl::PreparedBuild build_{.name = "b", .type = "fake"};
  Events events_;
};

TEST_F(ProvisionHookTest, RunsProvisionersInOrderWithBuildValuesRendered) {
  ctx_.SetBuildValue("ID", "c-1");
  Add({{"say", "one {{build `ID`}}"}});
  Add({{"say", "two {{build `PackerRunUUID`}} host=[{{build `Host`}}]"}});
  ASSERT_TRUE(Run());
  EXPECT_EQ(events_, (Events{"provision one c-1", "provision two uuid-7 host=[]"}));
  EXPECT_EQ(cap_.out(), "");  // as Packer 1.6.6: the provisioners speak for themselves
}

TEST_F(ProvisionHookTest, StopsAtTheFirstFailure) {
  Add({{"say", "one"}, {"fail_times", 1}});
  Add({{"say", "two"}});
  Result<void> r = Run();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "flaky failure");
  EXPECT_EQ(events_, (Events{"provision one"}));
}

TEST_F(ProvisionHookTest, ARenderErrorNamesTheOption) {
  Add({{"say", "{{build `Nope`}}"}});
  Result<void> r = Run();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "provisioner 1 (fake): 'say': error calling build: the build has no value called Nope");
  EXPECT_TRUE(events_.empty());
}

TEST_F(ProvisionHookTest, MaxRetriesRetriesUntilSuccess) {
  Add({{"say", "flaky"}, {"fail_times", 2}}, {{"max_retries", 2}});
  ASSERT_TRUE(Run());
  EXPECT_EQ(events_, (Events{"provision flaky", "provision flaky", "provision flaky"}));
  EXPECT_NE(cap_.out().find("==> b: Retrying provisioner fake after error (1 of 2): flaky failure\n"),
            std::string::npos)
      << cap_.out();
}

TEST_F(ProvisionHookTest, MaxRetriesGivesUpAfterTheLastRetry) {
  Add({{"say", "flaky"}, {"fail_times", 2}}, {{"max_retries", 1}});
  Result<void> r = Run();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "flaky failure");
  EXPECT_EQ(events_.size(), 2u);
}

TEST_F(ProvisionHookTest, TimeoutCancelsTheProvisioner) {
  Add({{"say", "slow"}, {"wait_for_cancel", true}}, {{"timeout", "200ms"}});
  Clock::time_point start = Clock::now();
  Result<void> r = Run();
  auto elapsed = Clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "fake provisioner timed out after 200ms");
  EXPECT_GE(elapsed, 200ms);
  EXPECT_LT(elapsed, 2s);
  EXPECT_FALSE(cancel_.cancelled());  // only the provisioner's own token tripped
  EXPECT_NE(cap_.out().find("Setting a 200ms timeout for the next provisioner..."), std::string::npos);
}

TEST_F(ProvisionHookTest, BuildCancelReachesAProvisionerUnderATimeout) {
  Add({{"say", "slow"}, {"wait_for_cancel", true}}, {{"timeout", "1h"}});
  std::jthread canceller([this] {
    std::this_thread::sleep_for(100ms);
    cancel_.Cancel();
  });
  Clock::time_point start = Clock::now();
  Result<void> r = Run();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "cancelled");
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST_F(ProvisionHookTest, PauseBeforeIsCutShortByCancel) {
  Add({{"say", "late"}}, {{"pause_before", "10s"}});
  std::jthread canceller([this] {
    std::this_thread::sleep_for(100ms);
    cancel_.Cancel();
  });
  Clock::time_point start = Clock::now();
  Result<void> r = Run();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "build cancelled");
  EXPECT_LT(Clock::now() - start, 2s);
  EXPECT_TRUE(events_.empty());
  EXPECT_EQ(cap_.out(), "==> b: Pausing 10s before the next provisioner...\n");
}

TEST_F(ProvisionHookTest, PauseBeforeWaits) {
  Add({{"say", "late"}}, {{"pause_before", "150ms"}});
  Clock::time_point start = Clock::now();
  ASSERT_TRUE(Run());
  EXPECT_GE(Clock::now() - start, 150ms);
  EXPECT_EQ(events_, (Events{"provision late"}));
}

TEST_F(ProvisionHookTest, ErrorCleanupRunsEvenAfterCancelAndOnlyLogsFailure) {
  build_.error_cleanup = Make("fake", {{"say", "cleanup"}, {"fail_times", 1}}, nlohmann::json::object());
  cancel_.Cancel();
  TemplateProvisionHook hook(build_, Factory(), 10ms);
  hook.RunErrorCleanup(ctx_, comm_);
  EXPECT_EQ(events_, (Events{"provision cleanup"}));
  EXPECT_EQ(cap_.err(), "");
}

TEST_F(ProvisionHookTest, NoErrorCleanupProvisionerIsANoOp) {
  TemplateProvisionHook hook(build_, Factory(), 10ms);
  hook.RunErrorCleanup(ctx_, comm_);
  EXPECT_TRUE(events_.empty());
  EXPECT_EQ(cap_.out(), "");
}

TEST(RenderBuildValues, LeavesDeferredOptionsForTheComponent) {
  tmpl::DecodedConfig config;
  config.values = {{"inline", {"echo {{build `ID`}}", "plain"}},
                   {"execute_command", "{{.Vars}} {{.Path}} {{build `ID`}}"},
                   {"env", {{"K", "{{build `ID`}}"}}}};
  interpolate::Context ctx;
  ctx.build_values = std::map<std::string, std::string>{{"ID", "c-9"}};
  const tmpl::Schema* shell = catalog::FindSchema(catalog::Kind::kProvisioner, "shell");
  ASSERT_NE(shell, nullptr);
  Result<tmpl::DecodedConfig> r = RenderBuildValues(config, shell, ctx);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->values["inline"], nlohmann::json({"echo c-9", "plain"}));
  EXPECT_EQ(r->values["execute_command"], "{{.Vars}} {{.Path}} {{build `ID`}}");
  EXPECT_EQ(r->values["env"]["K"], "c-9");
}

}  // namespace
}  // namespace kiln::engine
