#include "provisioners/breakpoint/provisioner.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "json/value.h"
#include "provisioners/breakpoint/options.h"
#include "template/decode.h"
#include "ui/ui.h"

namespace kiln::provisioners::breakpoint {
namespace {

class NoCommunicator : public engine::Communicator {
 public:
  Result<int> Run(const engine::RemoteCommand&, const CancelToken&) override { return 0; }
  Result<void> Upload(const std::string&, engine::UploadSource, const CancelToken&) override { return {}; }
  Result<void> UploadDir(const std::string&, const std::filesystem::path&, const CancelToken&) override { return {}; }
  Result<void> Download(const std::string&, std::ostream&, const CancelToken&) override { return {}; }
  Result<void> DownloadDir(const std::string&, const std::filesystem::path&, const CancelToken&) override { return {}; }
};

class BreakpointTest : public ::testing::Test {
 protected:
  BreakpointTest() : file_(std::tmpfile()), output_(file_, file_), ui_(output_, ui::UiOptions{}, "web") {
    ctx_.ui = &ui_;
    ctx_.cancel = &cancel_;
    ctx_.prompt = [this](const std::string& question) {
      questions_.push_back(question);
      return std::string();
    };
  }
  ~BreakpointTest() override { std::fclose(file_); }

  Result<void> Provision(const std::string& text) {
    Result<json::Value> v = json::Parse(text, "test.json");
    EXPECT_TRUE(v);
    Diagnostics diags;
    tmpl::DecodedConfig c = tmpl::Decode(*v, Options(), interpolate::Context{}, "provisioner breakpoint", diags);
    for (const Error& e : diags) ADD_FAILURE() << e.Message();
    Result<std::unique_ptr<engine::Provisioner>> p = MakeBreakpoint(c);
    EXPECT_TRUE(p);
    return (*p)->Provision(ctx_, comm_);
  }

  std::string out() {
    std::fflush(file_);
    std::rewind(file_);
    std::string s;
    for (int c; (c = std::fgetc(file_)) != EOF;) s += static_cast<char>(c);
    return s;
  }

  std::FILE* file_;
  ui::Output output_;
  ui::Ui ui_;
  CancelToken cancel_;
  engine::BuildContext ctx_;
  NoCommunicator comm_;
  std::vector<std::string> questions_;
};

TEST_F(BreakpointTest, PausesWithTheNoteUntilEnter) {
  ASSERT_TRUE(Provision(R"({"note": "check the disk"})"));
  EXPECT_EQ(questions_, (std::vector<std::string>{"Press enter to continue."}));
  EXPECT_EQ(out(), "==> web: Pausing at breakpoint: \"check the disk\"\n");
}

TEST_F(BreakpointTest, PausesWithoutANote) {
  ASSERT_TRUE(Provision(R"({})"));
  EXPECT_EQ(questions_.size(), 1u);
  EXPECT_EQ(out(), "==> web: Pausing at breakpoint\n");
}

TEST_F(BreakpointTest, DisabledIsSkipped) {
  ASSERT_TRUE(Provision(R"({"note": "check the disk", "disable": true})"));
  EXPECT_TRUE(questions_.empty());
  EXPECT_EQ(out(), "==> web: Breakpoint \"check the disk\" disabled; continuing\n");
}

TEST_F(BreakpointTest, NoPromptContinues) {
  ctx_.prompt = nullptr;
  EXPECT_TRUE(Provision(R"({"note": "n"})"));
}

TEST_F(BreakpointTest, CancelledWhileWaitingFails) {
  ctx_.prompt = [this](const std::string&) {
    cancel_.Cancel();  // Ctrl-C while the question is up
    return std::string();
  };
  Result<void> r = Provision(R"({})");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().summary.find("cancelled"), std::string::npos);
}

}  // namespace
}  // namespace kiln::provisioners::breakpoint
