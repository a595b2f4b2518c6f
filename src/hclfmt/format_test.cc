#include "hclfmt/format.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace kiln::hclfmt {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string F(std::string_view src) {
  Result<std::string> r = Format(src, "t.pkr.hcl");
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().Message());
  return r.value_or("");
}

TEST(HclFormat, AlignsIndentsAndSpaces) {
  EXPECT_EQ(F("a=1\nbbb = [1,2]\n"), "a   = 1\nbbb = [1, 2]\n");
  EXPECT_EQ(F("b {\nx=f( 1 )\n}\n"), "b {\n  x = f(1)\n}\n");
  EXPECT_EQ(F("x = {a=1}\n"), "x = { a = 1 }\n");
  EXPECT_EQ(F("x = -1 - 2\n"), "x = -1 - 2\n");
  EXPECT_EQ(F("x = \"${ a.b }\"\n"), "x = \"${a.b}\"\n");
  EXPECT_EQ(F("b \"l\" {}\n"), "b \"l\" {}\n");
}

TEST(HclFormat, SyntaxErrorsAreReported) {
  Result<std::string> r = Format("a = \n", "bad.pkr.hcl");
  ASSERT_FALSE(r.has_value());
  ASSERT_TRUE(r.error().where.has_value());
  EXPECT_EQ(r.error().where->file, "bad.pkr.hcl");
}

// tests/fixtures/fmt: NAME.in.pkr.hcl formatted by Packer 1.6.6's `packer
// fmt` gave NAME.want.pkr.hcl; kiln must give the same bytes.
TEST(HclFormat, SameAsPacker166) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(KILN_FIXTURES_DIR "/fmt")) {
    std::string name = e.path().filename().string();
    if (!name.ends_with(".in.pkr.hcl")) continue;
    fs::path want = e.path().parent_path() / (name.substr(0, name.size() - 11) + ".want.pkr.hcl");
    EXPECT_EQ(F(Read(e.path())), Read(want)) << name;
    EXPECT_EQ(F(Read(want)), Read(want)) << name << " (formatted input must stay as it is)";
    ++n;
  }
  EXPECT_GE(n, 3);
}

// Idempotent on every file of the HCL corpus that parses.
TEST(HclFormat, IdempotentOnTheCorpus) {
  int n = 0;
  for (const char* dir : {KILN_FIXTURES_DIR "/hcl", KILN_FIXTURES_DIR "/fmt"}) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      std::string name = e.path().filename().string();
      if (!e.is_regular_file() || !(name.ends_with(".hcl"))) continue;
      Result<std::string> once = Format(Read(e.path()), e.path().string());
      if (!once) continue;  // an invalid fixture
      Result<std::string> twice = Format(*once, e.path().string());
      ASSERT_TRUE(twice.has_value()) << name << ": formatted output does not parse: " << twice.error().Message();
      EXPECT_EQ(*twice, *once) << name;
      ++n;
    }
  }
  EXPECT_GE(n, 3);
}

}  // namespace
}  // namespace kiln::hclfmt
