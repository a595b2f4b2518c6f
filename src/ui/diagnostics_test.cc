#include <fmt/format.h>
#include <gtest/gtest.h>

#include "ui/diagnostics.h"

namespace kiln::ui {
namespace {

// Issue 13: an error on a 10 MB line printed the line and 10 MB of padding.
TEST(Diagnostics, ExcerptsOfLongLinesAreCutAroundTheCaret) {
  std::string line = std::string(5'000'000, 'a') + "BAD" + std::string(5'000'000, 'z');
  SourceCache sources;
  sources.Put("t.json", line + "\n");
  Error e = MakeError(SourceRange{"t.json", {1, 5'000'001, 5'000'000}, {1, 5'000'004, 5'000'003}}, "bad key", "");
  std::string out = RenderDiagnostic(e, sources);
  EXPECT_LT(out.size(), 2 * kExcerptWidth + 200) << out.size();
  std::size_t text = out.find("1 | ...");
  ASSERT_NE(text, std::string::npos) << out;
  std::size_t bad = out.find("BAD", text), caret = out.find('^', bad);
  ASSERT_NE(caret, std::string::npos) << out;
  // The caret sits under the B.
  std::size_t line_start = out.rfind('\n', bad) + 1, caret_line_start = out.rfind('\n', caret) + 1;
  EXPECT_EQ(bad - line_start, caret - caret_line_start) << out;
  EXPECT_NE(out.find("zzz...\n"), std::string::npos) << out;
}

TEST(Diagnostics, ShortLinesAreWhole) {
  Excerpt x = CutExcerpt("  \"bogus\": 1", 2);
  EXPECT_EQ(x.text, "  \"bogus\": 1");
  EXPECT_EQ(x.before_caret, "  ");
}

TEST(Diagnostics, CutsKeepUtf8WholeAndSecretsMasked) {
  std::string line;
  for (int i = 0; i < 200; ++i) line += "\xC3\xA9";  // é
  line += "hunter2-secret" + std::string(300, 'x');
  MaskFn mask = [](std::string_view s) {
    std::string out(s);
    for (std::size_t at; (at = out.find("hunter2-secret")) != std::string::npos;) out.replace(at, 14, "<sensitive>");
    return out;
  };
  Excerpt x = CutExcerpt(line, 400 + 14 + 4, mask);
  EXPECT_EQ(x.text.find("hunter2"), std::string::npos) << x.text;
  EXPECT_NE(x.text.find("<sensitive>"), std::string::npos) << x.text;
  EXPECT_TRUE(x.text.starts_with("...\xC3\xA9")) << x.text;  // no half character after the cut
  EXPECT_TRUE(x.text.find(x.before_caret) == 0);
}

TEST(Diagnostics, HugeSummariesAreCutWithTheCountOfWhatWasCut) {
  std::string key = std::string(10'000'000, 'k');
  std::string summary = "Unknown root level key in template: '" + key + "'";
  Error e = MakeError(SourceRange{"t.json", {1, 2, 1}, {1, 3, 2}}, summary, "valid keys are " + std::string(5000, 'v'));
  SourceCache sources;
  sources.Put("t.json", "{\"" + key + "\": 1}\n");
  std::string out = RenderDiagnostic(e, sources);
  EXPECT_LT(out.size(), 2 * kMessageWidth + 2 * kExcerptWidth + 200) << out.size();
  EXPECT_NE(out.find("Unknown root level key in template: 'kkk"), std::string::npos);
  EXPECT_NE(out.find(fmt::format("... ({} more bytes)", summary.size() - kMessageWidth)), std::string::npos) << out;
  EXPECT_EQ(CutMessage("short"), "short");
}

}  // namespace
}  // namespace kiln::ui
