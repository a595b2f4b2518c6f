#include "ui/captured_output.h"
#include "engine/step_runner.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <deque>

namespace kiln::engine {
namespace {

using Captured = ui::CapturedOutput;

struct TestState : StepState {
  std::vector<std::string> events;
};

// Records its Run, Cleanup and Abandon; halts while `failures` is positive, and can
// trip the build's token as it runs.
class RecordingStep : public Step<TestState> {
 public:
  explicit RecordingStep(std::string name, int failures = 0, bool cancel = false)
      : name_(std::move(name)), failures_(failures), cancel_(cancel) {}
  std::string_view name() const override { return name_; }
  StepAction Run(TestState& state) override {
    state.events.push_back("run " + name_);
    if (cancel_) state.ctx->cancel->Cancel();
    if (failures_-- > 0) return state.Halt(MakeError(name_ + " failed"));
    return StepAction::kContinue;
  }
  void Cleanup(TestState& state) override { state.events.push_back("cleanup " + name_); }
  std::optional<std::string> Leftover(const TestState&) const override { return "remove " + name_; }
  void Abandon(TestState& state) override { state.events.push_back("abandon " + name_); }

 private:
  std::string name_;
  int failures_;
  bool cancel_;
};

class StepRunnerTest : public ::testing::Test {
 protected:
  StepRunnerTest() {
    ctx_.build_name = "b";
    ctx_.ui = &ui_;
    ctx_.cancel = &cancel_;
    state_.ctx = &ctx_;
  }
  void Add(std::string name, int failures = 0, bool cancel = false) {
    steps_.push_back(std::make_unique<RecordingStep>(std::move(name), failures, cancel));
  }
  std::optional<Error> Run() { return RunSteps(steps_, state_); }

  Captured cap_;
  ui::Ui ui_{cap_.output(), ui::UiOptions{}, "b"};
  CancelToken cancel_;
  BuildContext ctx_;
  TestState state_;
  Steps<TestState> steps_;
};

using Events = std::vector<std::string>;

TEST_F(StepRunnerTest, AllSucceedThenCleanupsRunInReverse) {
  Add("A");
  Add("B");
  Add("C");
  EXPECT_FALSE(Run());
  EXPECT_EQ(state_.events, (Events{"run A", "run B", "run C", "cleanup C", "cleanup B", "cleanup A"}));
}

TEST_F(StepRunnerTest, HaltAtBCleansUpBThenA) {
  Add("A");
  Add("B", 1);
  Add("C");
  std::optional<Error> error = Run();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->summary, "B failed");
  EXPECT_EQ(state_.events, (Events{"run A", "run B", "cleanup B", "cleanup A"}));
}

TEST_F(StepRunnerTest, CancelStopsBeforeTheNextStepAndStillCleansUp) {
  Add("A", 0, /*cancel=*/true);
  Add("B");
  std::optional<Error> error = Run();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->summary, "build cancelled");
  EXPECT_EQ(state_.events, (Events{"run A", "cleanup A"}));
}

TEST_F(StepRunnerTest, OnErrorAbortSkipsCleanupAndListsLeftovers) {
  ctx_.on_error = OnError::kAbort;
  Add("A");
  Add("B", 1);
  ASSERT_TRUE(Run());
  EXPECT_EQ(state_.events, (Events{"run A", "run B", "abandon B", "abandon A"}));
  EXPECT_EQ(cap_.err(),
            "==> b: Build failed; -on-error=abort leaves these in place:\n"
            "==> b:   remove B\n"
            "==> b:   remove A\n");
}

TEST_F(StepRunnerTest, OnErrorAskRetriesTheStepAsToldThenCleansUp) {
  ctx_.on_error = OnError::kAsk;
  std::deque<std::string> answers = {"r", "retry"};
  std::vector<std::string> questions;
  ctx_.prompt = [&](const std::string& q) {
    questions.push_back(q);
    std::string a = answers.front();
    answers.pop_front();
    return a;
  };
  Add("A");
  Add("B", 2);  // fails twice, then the second retry succeeds
  EXPECT_FALSE(Run());
  EXPECT_EQ(state_.events, (Events{"run A", "run B", "run B", "run B", "cleanup B", "cleanup A"}));
  ASSERT_EQ(questions.size(), 2u);
  EXPECT_NE(questions[0].find("Step B failed: B failed"), std::string::npos) << questions[0];
}

TEST_F(StepRunnerTest, OnErrorAskAbortAnswerSkipsCleanup) {
  ctx_.on_error = OnError::kAsk;
  ctx_.prompt = [](const std::string&) { return std::string("a"); };
  Add("A");
  Add("B", 1);
  ASSERT_TRUE(Run());
  EXPECT_EQ(state_.events, (Events{"run A", "run B", "abandon B", "abandon A"}));
}

TEST_F(StepRunnerTest, OnErrorAskWithClosedStdinCleansUp) {
  ctx_.on_error = OnError::kAsk;
  ctx_.prompt = [](const std::string&) { return std::string(); };  // what AskLine gives at EOF
  Add("A");
  Add("B", 1);
  ASSERT_TRUE(Run());
  EXPECT_EQ(state_.events, (Events{"run A", "run B", "cleanup B", "cleanup A"}));
}

TEST_F(StepRunnerTest, DebugPausesBeforeEachStep) {
  ctx_.debug = true;
  std::vector<std::string> questions;
  ctx_.prompt = [&](const std::string& q) {
    questions.push_back(q);
    return std::string();
  };
  Add("A");
  Add("B");
  EXPECT_FALSE(Run());
  ASSERT_EQ(questions.size(), 2u);
  EXPECT_NE(questions[1].find("(B)"), std::string::npos) << questions[1];
}

}  // namespace
}  // namespace kiln::engine
