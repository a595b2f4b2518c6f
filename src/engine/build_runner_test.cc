#include "ui/captured_output.h"
#include "engine/build_runner.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <deque>
#include <mutex>
#include <regex>
#include <thread>

#include "engine/step_runner.h"

namespace kiln::engine {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Events = std::vector<std::string>;
using Captured = ui::CapturedOutput;

// What the fakes did, in order, from any thread.
class Journal {
 public:
  void Add(std::string event) {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(event));
  }
  Events events() {
    std::lock_guard lock(mu_);
    return events_;
  }

 private:
  std::mutex mu_;
  Events events_;
};

class FakeArtifact : public Artifact {
 public:
  FakeArtifact(std::string id, Journal& journal) : id_(std::move(id)), journal_(journal) {}
  std::string builder_id() const override { return "kiln.fake"; }
  std::string id() const override { return id_; }
  std::vector<std::string> files() const override { return {id_ + ".img"}; }
  std::string Describe() const override { return "Fake artifact " + id_; }
  Result<void> Destroy() override {
    journal_.Add("destroy " + id_);
    return {};
  }

 private:
  std::string id_;
  Journal& journal_;
};

class NullCommunicator : public Communicator {
 public:
  Result<int> Run(const RemoteCommand&, const CancelToken&) override { return 0; }
  Result<void> Upload(const std::string&, UploadSource, const CancelToken&) override { return {}; }
  Result<void> UploadDir(const std::string&, const std::filesystem::path&, const CancelToken&) override { return {}; }
  Result<void> Download(const std::string&, std::ostream&, const CancelToken&) override { return {}; }
  Result<void> DownloadDir(const std::string&, const std::filesystem::path&, const CancelToken&) override { return {}; }
};

// A builder shaped like a real one: steps that start a "machine", provision
// it through the hook, and export an artifact. Its options: sleep_ms (in
// the export step, cut short by cancel), fail (export's error), artifact
// (the artifact's id; none without it), cancel_in_cleanup (an interrupt
// arrives while the start step's cleanup runs). The start step records the
// "machine" it makes and removes in the build's resource log.
struct FakeState : StepState {
  const nlohmann::json* config = nullptr;
  ProvisionHook* hook = nullptr;
  Journal* journal = nullptr;
  std::unique_ptr<Artifact> artifact;
};

class StepStart : public Step<FakeState> {
 public:
  std::string_view name() const override { return "StepStart"; }
  StepAction Run(FakeState& s) override {
    s.journal->Add("start " + s.ctx->build_name);
    s.ctx->SetBuildValue("ID", "c-" + s.ctx->build_name);
    s.ctx->Made("machine c-" + s.ctx->build_name);
    return StepAction::kContinue;
  }
  void Cleanup(FakeState& s) override {
    if (s.config->value("cancel_in_cleanup", false)) s.ctx->cancel->Cancel();
    s.journal->Add("stop " + s.ctx->build_name);
    s.ctx->Removed("machine c-" + s.ctx->build_name);
  }
};

class StepProvision : public Step<FakeState> {
 public:
  std::string_view name() const override { return "StepProvision"; }
  StepAction Run(FakeState& s) override {
    NullCommunicator comm;
    if (Result<void> r = s.hook->Run(*s.ctx, comm); !r) return s.Halt(r.error());
    return StepAction::kContinue;
  }
};

class StepExport : public Step<FakeState> {
 public:
  std::string_view name() const override { return "StepExport"; }
  StepAction Run(FakeState& s) override {
    if (!s.ctx->cancel->SleepFor(std::chrono::milliseconds(s.config->value("sleep_ms", 0))))
      return s.Halt(MakeError("build cancelled", "interrupted while exporting"));
    if (s.config->contains("fail")) return s.Halt(MakeError(s.config->at("fail").get<std::string>()));
    if (s.config->contains("artifact"))
      s.artifact = std::make_unique<FakeArtifact>(s.config->at("artifact").get<std::string>(), *s.journal);
    return StepAction::kContinue;
  }
};

class FakeBuilder : public Builder {
 public:
  FakeBuilder(nlohmann::json config, Journal& journal) : config_(std::move(config)), journal_(journal) {
    if (config_.is_null()) config_ = nlohmann::json::object();  // a test's {}
  }
  Result<std::unique_ptr<Artifact>> Run(BuildContext& ctx, ProvisionHook& hook) override {
    FakeState state;
    state.ctx = &ctx;
    state.config = &config_;
    state.hook = &hook;
    state.journal = &journal_;
    Steps<FakeState> steps;
    steps.push_back(std::make_unique<StepStart>());
    steps.push_back(std::make_unique<StepProvision>());
    steps.push_back(std::make_unique<StepExport>());
    if (std::optional<Error> e = RunSteps(steps, state)) return std::unexpected(*e);
    return std::move(state.artifact);
  }

 private:
  nlohmann::json config_;
  Journal& journal_;
};

class FakeProvisioner : public Provisioner {
 public:
  FakeProvisioner(nlohmann::json config, Journal& journal) : config_(std::move(config)), journal_(journal) {}
  Result<void> Provision(BuildContext&, Communicator&) override {
    journal_.Add("provision " + config_.value("say", std::string()));
    return {};
  }

 private:
  nlohmann::json config_;
  Journal& journal_;
};

// Options: id (its artifact), keep_input, force_keep, fail, none (no artifact).
class FakePostProcessor : public PostProcessor {
 public:
  FakePostProcessor(nlohmann::json config, Journal& journal) : config_(std::move(config)), journal_(journal) {}
  Result<PostProcessResult> PostProcess(BuildContext&, Artifact& input) override {
    std::string id = config_.value("id", std::string());
    journal_.Add("pp " + id + " <- " + input.id());
    if (config_.value("fail", false)) return std::unexpected(MakeError(id + " broke"));
    PostProcessResult r{.keep_input = config_.value("keep_input", false),
                        .force_keep = config_.value("force_keep", false)};
    if (!config_.value("none", false)) r.artifact = std::make_unique<FakeArtifact>(id, journal_);
    return r;
  }

 private:
  nlohmann::json config_;
  Journal& journal_;
};

ComponentFactory Fakes(Journal& journal) {
  return {
      .builder = [&journal](std::string_view type, const tmpl::DecodedConfig& c) -> Result<std::unique_ptr<Builder>> {
        if (type == "broken") return std::unexpected(MakeError("kiln cannot run builder 'broken' yet"));
        return std::make_unique<FakeBuilder>(c.values, journal);
      },
      .provisioner = [&journal](std::string_view, const tmpl::DecodedConfig& c)
          -> Result<std::unique_ptr<Provisioner>> { return std::make_unique<FakeProvisioner>(c.values, journal); },
      .post_processor = [&journal](std::string_view, const tmpl::DecodedConfig& c)
          -> Result<std::unique_ptr<PostProcessor>> { return std::make_unique<FakePostProcessor>(c.values, journal); },
  };
}

// A post-processor in a test chain.
struct PP {
  std::string id;
  bool keep_input = false;
  bool force_keep = false;
  std::optional<bool> keep_input_artifact;  // as written in the template
  bool fail = false;
  bool none = false;
};

class BuildRunnerTest : public ::testing::Test {
 protected:
  BuildRunnerTest() { builds_.reserve(8); }  // AddBuild's references stay valid
  tmpl::PreparedBuild& AddBuild(std::string name, nlohmann::json builder, std::string type = "fake") {
    tmpl::PreparedBuild& b = builds_.emplace_back();
    b.name = std::move(name);
    b.type = std::move(type);
    b.builder.config.values = std::move(builder);
    return b;
  }
  void AddProvisioner(tmpl::PreparedBuild& b, nlohmann::json config) {
    tmpl::Provisioner& source = provisioners_.emplace_back();
    source.type = "fake";
    source.label = "provisioner 1";
    tmpl::Prepared<tmpl::Provisioner> p{.source = &source};
    p.config.values = std::move(config);
    p.common.values = {{"pause_before", nullptr}, {"max_retries", 0}, {"timeout", nullptr}};
    b.provisioners.push_back(std::move(p));
  }
  void AddChain(tmpl::PreparedBuild& b, std::vector<PP> chain) {
    std::vector<tmpl::Prepared<tmpl::PostProcessor>>& steps = b.chains.emplace_back();
    for (const PP& pp : chain) {
      tmpl::PostProcessor& source = post_processors_.emplace_back();
      source.type = source.name = "fake-pp";
      source.label = "post-processor";
      source.keep_input_artifact = pp.keep_input_artifact;
      tmpl::Prepared<tmpl::PostProcessor> prepared{.source = &source};
      prepared.config.values = {{"id", pp.id},
                                {"keep_input", pp.keep_input},
                                {"force_keep", pp.force_keep},
                                {"fail", pp.fail},
                                {"none", pp.none}};
      steps.push_back(std::move(prepared));
    }
  }
  int Run(RunOptions options = {}, bool machine_readable = false) {
    options.components = Fakes(journal_);
    ui::Ui ui(cap_.output(), ui::UiOptions{.machine_readable = machine_readable});
    return RunBuilds(builds_, interpolate::Context{}, {{"v", "val"}}, options, ui, cancel_);
  }

  Captured cap_;
  CancelToken cancel_;
  Journal journal_;
  std::vector<tmpl::PreparedBuild> builds_;
  std::deque<tmpl::Provisioner> provisioners_;
  std::deque<tmpl::PostProcessor> post_processors_;
};

// ---- post-processor chains: which artifacts are reported, which destroyed

struct ChainCase {
  std::string name;
  std::vector<std::vector<PP>> chains;
  std::vector<std::string> reported;
  std::vector<std::string> destroyed;
  std::size_t errors = 0;
};

class PostProcessorChains : public BuildRunnerTest, public ::testing::WithParamInterface<ChainCase> {};

TEST_P(PostProcessorChains, KeepAndDestroyAsPacker) {
  const ChainCase& c = GetParam();
  tmpl::PreparedBuild& b = AddBuild("b", {});
  for (const std::vector<PP>& chain : c.chains) AddChain(b, chain);
  ui::Ui ui(cap_.output(), ui::UiOptions{}, "b");
  BuildContext ctx{.build_name = "b", .ui = &ui, .cancel = &cancel_};
  std::vector<Error> errors;
  std::vector<std::unique_ptr<Artifact>> artifacts =
      RunPostProcessors(b, ctx, std::make_unique<FakeArtifact>("built", journal_), Fakes(journal_), errors);
  std::vector<std::string> reported;
  for (const auto& a : artifacts) reported.push_back(a->id());
  std::vector<std::string> destroyed;
  for (const std::string& e : journal_.events())
    if (e.starts_with("destroy ")) destroyed.push_back(e.substr(8));
  EXPECT_EQ(reported, c.reported);
  EXPECT_EQ(destroyed, c.destroyed);
  EXPECT_EQ(errors.size(), c.errors);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PostProcessorChains,
    ::testing::Values(
        ChainCase{"NoPostProcessorsKeepTheBuildersArtifact", {}, {"built"}, {}},
        ChainCase{"AnArtifactNobodyKeepsIsDestroyed", {{{"a"}}}, {"a"}, {"built"}},
        ChainCase{"KeepInputKeepsIt", {{{"a", true}}}, {"built", "a"}, {}},
        ChainCase{"ExplicitFalseBeatsKeepInput", {{{"a", true, false, false}}}, {"a"}, {"built"}},
        ChainCase{"ExplicitTrueKeeps", {{{"a", false, false, true}}}, {"built", "a"}, {}},
        ChainCase{"ForceKeepBeatsExplicitFalse", {{{"a", true, true, false}}}, {"built", "a"}, {}},
        ChainCase{"ForceKeepAloneKeeps", {{{"a", false, true, false}}}, {"built", "a"}, {}},
        ChainCase{"AnyChainsFirstKeepsTheBuildersArtifact", {{{"a"}}, {{"b", true}}}, {"built", "a", "b"}, {}},
        ChainCase{"IntermediatesAreDestroyed", {{{"a"}, {"b"}}}, {"b"}, {"a", "built"}},
        ChainCase{"KeptIntermediatesAreReported", {{{"a"}, {"b", true}}}, {"a", "b"}, {"built"}},
        ChainCase{
            "LaterStepsDoNotKeepTheBuildersArtifact", {{{"a"}, {"b", true}}, {{"c"}}}, {"a", "b", "c"}, {"built"}},
        ChainCase{"AFailureStopsItsChainOnly", {{{"a", false, false, {}, true}, {"x"}}, {{"b"}}}, {"b"}, {"built"}, 1},
        ChainCase{
            "AFailureLeavesTheChainsArtifactInPlace", {{{"a", true}, {"b", false, false, {}, true}}}, {"built"}, {}, 1},
        ChainCase{
            "ANullArtifactEndsTheChainBeforeKeeping", {{{"a", true, false, {}, false, true}, {"x"}}}, {}, {"built"}}),
    [](const ::testing::TestParamInfo<ChainCase>& info) { return info.param.name; });

TEST_F(BuildRunnerTest, EachStepGetsThePreviousArtifact) {
  tmpl::PreparedBuild& b = AddBuild("b", {{"artifact", "built"}});
  AddChain(b, {{"a"}, {"b"}});
  AddChain(b, {{"c"}});
  EXPECT_EQ(Run(), 0);
  EXPECT_EQ(journal_.events(),
            (Events{"start b", "stop b", "pp a <- built", "pp b <- a", "destroy a", "pp c <- built", "destroy built"}));
  EXPECT_NE(cap_.out().find("==> b: Running post-processor: fake-pp\n"), std::string::npos) << cap_.out();
}

// ---- whole runs: summary, exit codes, parallelism, cancel

TEST_F(BuildRunnerTest, ASuccessfulBuildListsItsArtifacts) {
  tmpl::PreparedBuild& b = AddBuild("one", {{"artifact", "art-1"}});
  AddProvisioner(b, {{"say", "{{build `ID`}} {{user `v`}} {{build_name}} {{build_type}}"}});
  EXPECT_EQ(Run(), 0);
  EXPECT_EQ(journal_.events(), (Events{"start one", "provision c-one val one fake", "stop one"}));
  std::string out = cap_.out();
  EXPECT_TRUE(std::regex_search(out, std::regex("(^|\n)Build 'one' finished after [0-9a-z ]+\\.\n"))) << out;
  EXPECT_TRUE(std::regex_search(out, std::regex("\n\n==> Wait completed after [0-9a-z ]+\n"))) << out;
  EXPECT_NE(
      out.find("\n\n==> Builds finished. The artifacts of successful builds are:\n--> one: Fake artifact art-1\n"),
      std::string::npos)
      << out;
  EXPECT_EQ(cap_.err(), "");
}

TEST_F(BuildRunnerTest, AFailedBuildDoesNotStopTheOthers) {
  AddBuild("bad", {{"fail", "export failed"}});
  AddBuild("good", {{"artifact", "art-2"}});
  EXPECT_EQ(Run(), 1);
  std::string err = cap_.err(), out = cap_.out();
  EXPECT_TRUE(std::regex_search(err, std::regex("Build 'bad' errored after [0-9a-z ]+: export failed\n"))) << err;
  EXPECT_NE(err.find("\n\n==> Some builds didn't complete successfully and had errors:\n--> bad: export failed\n"),
            std::string::npos)
      << err;
  EXPECT_NE(out.find("--> good: Fake artifact art-2\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("--> bad"), std::string::npos) << out;
}

TEST_F(BuildRunnerTest, NoArtifactsIsSaid) {
  AddBuild("one", {});
  EXPECT_EQ(Run(), 0);
  EXPECT_NE(cap_.out().find("\n==> Builds finished but no artifacts were created.\n"), std::string::npos) << cap_.out();
}

TEST_F(BuildRunnerTest, ABuilderKilnCannotMakeFailsItsBuild) {
  AddBuild("q", {}, "broken");
  EXPECT_EQ(Run(), 1);
  EXPECT_NE(cap_.err().find("--> q: kiln cannot run builder 'broken' yet"), std::string::npos) << cap_.err();
}

TEST_F(BuildRunnerTest, APostProcessorFailureFailsTheBuild) {
  tmpl::PreparedBuild& b = AddBuild("one", {{"artifact", "built"}});
  AddChain(b, {{"a", false, false, {}, true}});
  EXPECT_EQ(Run(), 1);
  EXPECT_NE(cap_.err().find("--> one: Post-processor failed: a broke\n"), std::string::npos) << cap_.err();
  EXPECT_NE(cap_.out().find("no artifacts were created"), std::string::npos) << cap_.out();
}

TEST_F(BuildRunnerTest, MachineReadableRecords) {
  AddBuild("bad", {{"fail", "export, failed"}});
  AddBuild("good", {{"artifact", "art-2"}});
  EXPECT_EQ(Run({}, /*machine_readable=*/true), 1);
  std::string out = cap_.out();
  for (const char* record :
       {",,error-count,1\n", ",bad,error,export%!(PACKER_COMMA) failed\n", ",good,artifact-count,1\n",
        ",good,artifact,0,builder-id,kiln.fake\n", ",good,artifact,0,id,art-2\n",
        ",good,artifact,0,string,Fake artifact art-2\n", ",good,artifact,0,files-count,1\n",
        ",good,artifact,0,file,0,art-2.img\n", ",good,artifact,0,end\n"})
    EXPECT_NE(out.find(record), std::string::npos) << record << " in:\n" << out;
}

TEST_F(BuildRunnerTest, PackerRunUuidComesFromTheEnvironment) {
  ::setenv("PACKER_RUN_UUID", "run-42", 1);
  tmpl::PreparedBuild& b = AddBuild("one", {});
  AddProvisioner(b, {{"say", "{{build `PackerRunUUID`}}"}});
  tmpl::PreparedBuild& c = AddBuild("two", {});
  AddProvisioner(c, {{"say", "{{build `PackerRunUUID`}}"}});
  EXPECT_EQ(Run(RunOptions{.parallel_builds = 1}), 0);
  ::unsetenv("PACKER_RUN_UUID");
  EXPECT_EQ(journal_.events(),
            (Events{"start one", "provision run-42", "stop one", "start two", "provision run-42", "stop two"}));
}

TEST_F(BuildRunnerTest, OneRunUuidForAllBuilds) {
  ::unsetenv("PACKER_RUN_UUID");
  for (const char* name : {"one", "two"}) AddProvisioner(AddBuild(name, {}), {{"say", "{{build `PackerRunUUID`}}"}});
  EXPECT_EQ(Run(RunOptions{.parallel_builds = 1}), 0);
  Events events = journal_.events();
  ASSERT_EQ(events.size(), 6u);
  EXPECT_TRUE(std::regex_match(
      events[1], std::regex("provision [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << events[1];
  EXPECT_EQ(events[1], events[4]);
}

TEST_F(BuildRunnerTest, ParallelBuildsOverlap) {
  AddBuild("one", {{"sleep_ms", 300}});
  AddBuild("two", {{"sleep_ms", 300}});
  Clock::time_point start = Clock::now();
  EXPECT_EQ(Run(RunOptions{.parallel_builds = 0}), 0);
  EXPECT_LT(Clock::now() - start, 500ms);
}

TEST_F(BuildRunnerTest, ParallelBuildsOneRunsThemInTurn) {
  AddBuild("one", {{"sleep_ms", 300}});
  AddBuild("two", {{"sleep_ms", 300}});
  Clock::time_point start = Clock::now();
  EXPECT_EQ(Run(RunOptions{.parallel_builds = 1}), 0);
  EXPECT_GE(Clock::now() - start, 600ms);
  EXPECT_EQ(journal_.events(), (Events{"start one", "stop one", "start two", "stop two"}));
}

TEST_F(BuildRunnerTest, DebugRunsOneBuildAtATime) {
  AddBuild("one", {{"sleep_ms", 300}});
  AddBuild("two", {{"sleep_ms", 300}});
  int devnull = ::open("/dev/null", O_RDONLY);  // every "press enter" is answered at once
  Clock::time_point start = Clock::now();
  EXPECT_EQ(Run(RunOptions{.parallel_builds = 0, .debug = true, .input_fd = devnull}), 0);
  EXPECT_GE(Clock::now() - start, 600ms);
  ::close(devnull);
  EXPECT_NE(cap_.out().find("==> one: Pausing before the next step (StepStart). Press enter to continue.\n"),
            std::string::npos)
      << cap_.out();
}

TEST_F(BuildRunnerTest, CancelUnwindsEveryBuildAndExitsOne) {
  AddBuild("one", {{"sleep_ms", 10'000}, {"artifact", "never"}});
  AddBuild("two", {{"sleep_ms", 10'000}, {"artifact", "never"}});
  AddBuild("three", {{"artifact", "never"}});  // waits for a worker: never starts
  std::jthread canceller([this] {
    std::this_thread::sleep_for(100ms);
    cancel_.Cancel();
  });
  Clock::time_point start = Clock::now();
  EXPECT_EQ(Run(RunOptions{.parallel_builds = 2}), 1);
  EXPECT_LT(Clock::now() - start, 2s);
  Events events = journal_.events();
  std::sort(events.begin(), events.end());
  EXPECT_EQ(events, (Events{"start one", "start two", "stop one", "stop two"}));
  std::string err = cap_.err();
  EXPECT_TRUE(std::regex_search(
      err, std::regex("Build 'three' errored after [0-9a-z ]+: build cancelled: interrupted before it started")))
      << err;
  EXPECT_NE(err.find("Cleanly cancelled builds after being interrupted."), std::string::npos) << err;
}

// An interrupt while the last cleanups run: the build is not reported as
// "finished", and the summary names what it made, kept and removed.
TEST_F(BuildRunnerTest, InterruptDuringFinalCleanupReportsWhatWasMadeAndRemoved) {
  AddBuild("one", {{"artifact", "img-1"}, {"cancel_in_cleanup", true}});
  EXPECT_EQ(Run(RunOptions{}), 1);
  std::string all = cap_.out() + cap_.err();
  EXPECT_EQ(all.find("finished"), std::string::npos) << all;
  EXPECT_TRUE(std::regex_search(all, std::regex("Build 'one' was interrupted after [0-9a-z ]+ \\(while cleaning up\\)\\.")))
      << all;
  EXPECT_NE(all.find("--> one: kept: Fake artifact img-1"), std::string::npos) << all;
  EXPECT_NE(all.find("--> one: made: machine c-one"), std::string::npos) << all;
  EXPECT_NE(all.find("--> one: removed: machine c-one"), std::string::npos) << all;
  EXPECT_NE(all.find("Cleanly cancelled builds after being interrupted."), std::string::npos) << all;
  EXPECT_EQ(journal_.events(), (Events{"start one", "stop one"}));
}

TEST(ResourceLog, LeftIsMadeMinusRemoved) {
  ResourceLog log;
  log.Made("instance i-1");
  log.Made("security group sg-1");
  log.Made("AMI ami-1");
  log.Removed("instance i-1");
  log.Kept("AMI ami-1");
  EXPECT_EQ(log.left(), (std::vector<std::string>{"security group sg-1"}));
  EXPECT_EQ(log.removed(), (std::vector<std::string>{"instance i-1"}));
}

TEST(HumanDuration, AsPackerPrintsThem) {
  EXPECT_EQ(HumanDuration(0ms), "0 seconds");
  EXPECT_EQ(HumanDuration(1ms), "1 millisecond");
  EXPECT_EQ(HumanDuration(12'000ms), "12 seconds");
  EXPECT_EQ(HumanDuration(62'000ms), "1 minute 2 seconds");
  EXPECT_EQ(HumanDuration(3'601'250ms), "1 hour 1 second 250 milliseconds");
}

}  // namespace
}  // namespace kiln::engine
