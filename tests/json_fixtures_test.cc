// Every template under tests/fixtures/json/ with its .expect file: kiln's
// verdict, and for invalid ones the error's file:line:column and message.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "kiln_runner.h"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;

const std::string kDir = KILN_FIXTURES_DIR "/json";

struct Expectation {
  std::string args, env, verdict, error;
};

Expectation ReadExpectation(const std::string& name) {
  Expectation e;
  std::istringstream in(ReadAll(kDir + "/" + name + ".expect"));
  for (std::string line; std::getline(in, line);) {
    auto field = [&](std::string_view key) -> std::optional<std::string> {
      if (!line.starts_with(key)) return std::nullopt;
      std::string v = line.substr(key.size());
      v.erase(0, v.find_first_not_of(' '));
      return v;
    };
    if (auto v = field("args:")) e.args = *v;
    else if (auto v = field("env:")) e.env += *v + " ";
    else if (auto v = field("verdict:")) e.verdict = *v;
    else if (auto v = field("error:")) e.error = *v;
  }
  return e;
}

std::vector<std::string> FixtureNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kDir))
    if (entry.path().extension() == ".expect") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

class JsonFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(JsonFixture, VerdictAndErrorPosition) {
  const std::string& name = GetParam();
  Expectation want = ReadExpectation(name);
  ASSERT_TRUE(want.verdict == "valid" || want.verdict == "invalid") << name << ": bad verdict line";
  RunResult r = RunKiln("validate " + want.args + " " + name + ".json", kDir, want.env);
  if (want.verdict == "valid") {
    EXPECT_EQ(r.exit_code, 0) << r.all();
    bool passed = r.out.find("The configuration is valid.") != std::string::npos ||
                  r.out.find("Syntax-only check passed.") != std::string::npos;
    EXPECT_TRUE(passed) << r.all();
    return;
  }
  EXPECT_EQ(r.exit_code, 1) << r.all();
  ASSERT_FALSE(want.error.empty()) << name << ": an invalid case needs an error: line";
  // "LINE:COL: message" in the template, or "FILE LINE:COL: message" in another file.
  std::string file = name + ".json", rest = want.error;
  if (!std::isdigit(static_cast<unsigned char>(rest[0]))) {
    file = rest.substr(0, rest.find(' '));
    rest = rest.substr(file.size() + 1);
  }
  std::size_t colon = rest.find(": ");
  std::string position = rest.substr(0, colon), message = rest.substr(colon + 2);
  std::string located = file + ":" + position + ": ";
  EXPECT_NE(r.err.find(located), std::string::npos) << "want " << located << " in:\n" << r.all();
  EXPECT_NE(r.err.find(message), std::string::npos) << "want \"" << message << "\" in:\n" << r.all();
}

INSTANTIATE_TEST_SUITE_P(Fixtures, JsonFixture, ::testing::ValuesIn(FixtureNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           std::replace_if(n.begin(), n.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
                           return n;
                         });

TEST(JsonFixtures, CorpusIsLargeEnough) {
  std::vector<std::string> names = FixtureNames();
  EXPECT_GE(names.size(), 40u);
  int valid = 0, invalid = 0;
  for (const std::string& n : names) (ReadExpectation(n).verdict == "valid" ? valid : invalid)++;
  EXPECT_GE(valid, 10);
  EXPECT_GE(invalid, 10);
}

}  // namespace
}  // namespace kiln::testing
