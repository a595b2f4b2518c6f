#include "builders/file/builder.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "builders/file/options.h"
#include "json/value.h"
#include "template/decode.h"
#include "ui/captured_output.h"
#include "ui/ui.h"
#include "util/temp_dir.h"

namespace kiln::builders::file {
namespace {

namespace fs = std::filesystem;

// Records that provisioning ran, and whether the communicator works.
class Hook : public engine::ProvisionHook {
 public:
  Result<void> Run(engine::BuildContext&, engine::Communicator& comm) override {
    ran = true;
    remote = comm.Run({.command = "true"}, CancelToken{});
    if (fail) return std::unexpected(MakeError("provisioner failed"));
    return {};
  }
  void RunErrorCleanup(engine::BuildContext&, engine::Communicator&) override {}
  bool ran = false;
  bool fail = false;
  Result<int> remote = 0;
};

class FileBuilderTest : public ::testing::Test {
 protected:
  FileBuilderTest() : ui_(captured_.output(), ui::UiOptions{}, "f") {
    dir_ = std::move(*TempDir::Create("kiln-file-builder-"));
    ctx_.build_name = "f";
    ctx_.build_type = "file";
    ctx_.ui = &ui_;
    ctx_.cancel = &cancel_;
  }
  std::string Path(const std::string& name) const { return (dir_.path() / name).string(); }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  tmpl::DecodedConfig Decode(const std::string& text, Diagnostics& diags) {
    Result<json::Value> v = json::Parse(text, "template.json");
    EXPECT_TRUE(v);
    return tmpl::Decode(*v, Options(), interpolate::Context{}, "builder file", diags);
  }
  Result<std::unique_ptr<engine::Artifact>> Build(const std::string& options) {
    Diagnostics diags;
    tmpl::DecodedConfig c = Decode(options, diags);
    EXPECT_FALSE(HasErrors(diags));
    Builder b(Prepare(c));
    return b.Run(ctx_, hook_);
  }

  ui::CapturedOutput captured_;
  ui::Ui ui_;
  CancelToken cancel_;
  engine::BuildContext ctx_;
  TempDir dir_;
  Hook hook_;
};

TEST_F(FileBuilderTest, ContentWritesTheTargetCreatingDirectories) {
  Result<std::unique_ptr<engine::Artifact>> a =
      Build(R"({"target": ")" + Path("deep/er/out.txt") + R"(", "content": "hello\n"})");
  ASSERT_TRUE(a) << a.error().Message();
  EXPECT_EQ(Read(Path("deep/er/out.txt")), "hello\n");
  EXPECT_EQ((fs::status(Path("deep/er/out.txt")).permissions() & fs::perms::all), fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ((*a)->builder_id(), "packer.file");
  EXPECT_EQ((*a)->id(), "File");
  EXPECT_EQ((*a)->files(), std::vector<std::string>{Path("deep/er/out.txt")});
  EXPECT_EQ((*a)->Describe(), "Stored file: " + Path("deep/er/out.txt"));
  EXPECT_TRUE(hook_.ran);
  ASSERT_FALSE(hook_.remote);
  EXPECT_EQ(hook_.remote.error().summary, "the file builder has no machine to run commands on");
  ASSERT_TRUE((*a)->Destroy());
  EXPECT_FALSE(fs::exists(Path("deep/er/out.txt")));
}

TEST_F(FileBuilderTest, SourceIsCopiedStreamed) {
  std::string big(2 * (1 << 20) + 17, 'z');
  std::ofstream(Path("src.bin"), std::ios::binary) << big;
  Result<std::unique_ptr<engine::Artifact>> a =
      Build(R"({"target": ")" + Path("dst.bin") + R"(", "source": ")" + Path("src.bin") + R"("})");
  ASSERT_TRUE(a) << a.error().Message();
  EXPECT_EQ(Read(Path("dst.bin")), big);
  EXPECT_NE(captured_.out().find("Copied 2097169 bytes"), std::string::npos) << captured_.out();
}

TEST_F(FileBuilderTest, NeitherSourceNorContentMakesAnEmptyFile) {
  Result<std::unique_ptr<engine::Artifact>> a = Build(R"({"target": ")" + Path("empty") + R"("})");
  ASSERT_TRUE(a);
  EXPECT_TRUE(fs::exists(Path("empty")));
  EXPECT_EQ(fs::file_size(Path("empty")), 0u);
}

TEST_F(FileBuilderTest, AMissingSourceFailsWithoutATarget) {
  Result<std::unique_ptr<engine::Artifact>> a =
      Build(R"({"target": ")" + Path("t") + R"(", "source": ")" + Path("none") + R"("})");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().summary, "cannot open source " + Path("none"));
  EXPECT_FALSE(fs::exists(Path("t")));
  EXPECT_FALSE(hook_.ran);
}

TEST_F(FileBuilderTest, AFailedProvisionerRemovesTheTarget) {
  hook_.fail = true;
  Result<std::unique_ptr<engine::Artifact>> a = Build(R"({"target": ")" + Path("t") + R"(", "content": "x"})");
  ASSERT_FALSE(a);
  EXPECT_FALSE(fs::exists(Path("t")));
}

TEST_F(FileBuilderTest, OptionsAreChecked) {
  Diagnostics diags;
  Decode("{\n  \"source\": \"a\",\n  \"content\": \"b\"\n}", diags);
  std::string m;
  for (const Error& e : diags) m += e.Message() + "\n";
  EXPECT_NE(m.find("template.json:1:1: builder file: 'target' must be specified"), std::string::npos) << m;
  EXPECT_NE(m.find("only one of source or content may be set"), std::string::npos) << m;
}

}  // namespace
}  // namespace kiln::builders::file
