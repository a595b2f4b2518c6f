// The kiln binary as users run it: exit codes, validate/inspect output, the
// seed scenario, variable precedence, and secrets that never leak.
#include <gtest/gtest.h>

#include <fstream>

#include <filesystem>
#include <regex>

#include "kiln_runner.h"
#include "ui/masker.h"

namespace kiln::testing {
namespace {

const std::string kJson = KILN_FIXTURES_DIR "/json";
const std::string kCli = KILN_FIXTURES_DIR "/cli";

TEST(Cli, ExitCodesFollowPacker) {
  EXPECT_EQ(RunKiln("").exit_code, 127);
  EXPECT_EQ(RunKiln("frobnicate").exit_code, 127);
  EXPECT_EQ(RunKiln("-h").exit_code, 0);
  EXPECT_EQ(RunKiln("validate -h").exit_code, 0);
  RunResult bad_flag = RunKiln("validate -nope x.json");
  EXPECT_EQ(bad_flag.exit_code, 1);
  EXPECT_NE(bad_flag.err.find("flag provided but not defined: -nope"), std::string::npos) << bad_flag.err;
  RunResult on_error = RunKiln("build -on-error=explode x.json");
  EXPECT_EQ(on_error.exit_code, 1);
  EXPECT_NE(on_error.err.find("cleanup, abort, ask, run-cleanup-provisioner"), std::string::npos);
  EXPECT_EQ(RunKiln("validate").exit_code, 1);
  RunResult missing = RunKiln("validate /nonexistent/t.json");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("cannot read /nonexistent/t.json"), std::string::npos);
}

TEST(Cli, VersionInBothModes) {
  RunResult human = RunKiln("version");
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_TRUE(human.out.starts_with("kiln v" KILN_VERSION)) << human.out;
  RunResult machine = RunKiln("-machine-readable version");
  EXPECT_TRUE(std::regex_search(machine.out, std::regex("^[0-9]+,,version," KILN_VERSION "\n"))) << machine.out;
  EXPECT_EQ(RunKiln("--version").out, human.out);
}

TEST(Cli, SeedScenarioValidatesAndInspects) {
  RunResult v = RunKiln("validate -var-file=vars/seed.vars.json seed.json", kJson);
  EXPECT_EQ(v.exit_code, 0) << v.all();
  EXPECT_EQ(v.out, "The configuration is valid.\n");

  RunResult i = RunKiln("inspect -var-file=vars/seed.vars.json seed.json", kJson);
  ASSERT_EQ(i.exit_code, 0) << i.all();
  for (const char* want : {"Required variables:\n\n  registry_password\n",
                           "  aws_secret_key     = <sensitive>\n", "  aws_region         = us-east-1\n",
                           "Builders:\n\n  amazon-ebs\n  docker\n",
                           "Provisioners:\n\n  shell\n  shell\n  shell\n  shell\n  shell\n",
                           "Post-processors:\n\n  1: docker-tag -> docker-push\n"})
    EXPECT_NE(i.out.find(want), std::string::npos) << "missing:\n" << want << "\nin:\n" << i.out;
  EXPECT_EQ(i.all().find("kiln-fixture-not-a-real-secret"), std::string::npos);
  EXPECT_EQ(i.all().find("fixture-registry-password"), std::string::npos);

  RunResult m = RunKiln("inspect -machine-readable seed.json", kJson);
  EXPECT_TRUE(std::regex_search(m.out, std::regex("\n[0-9]+,,template-variable,registry_password,,1\n"))) << m.out;
  EXPECT_TRUE(std::regex_search(m.out, std::regex("\n[0-9]+,,template-variable,aws_secret_key,<sensitive>,0\n")));
  EXPECT_TRUE(std::regex_search(m.out, std::regex("\n[0-9]+,,template-builder,docker,docker\n")));
  EXPECT_TRUE(std::regex_search(m.out, std::regex("\n[0-9]+,,template-provisioner,shell\n")));
  // Commas inside text are escaped as Packer does.
  EXPECT_NE(m.out.find("provisioned alike; the container image is tagged"), std::string::npos);
  EXPECT_EQ(m.out.find("Debian container image, provisioned"), std::string::npos);
}

TEST(Cli, SeedWithoutItsVarFileNamesTheRequiredVariable) {
  RunResult r = RunKiln("validate seed.json", kJson);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("seed.json:10:5: required variable not set: registry_password"), std::string::npos) << r.err;
}

TEST(Cli, VarBeatsVarFileWhateverTheOrderAndLaterFilesWin) {
  EXPECT_EQ(RunKiln("validate -var flag=true -var-file=flag-bad.vars.json precedence.json", kCli).exit_code, 0);
  EXPECT_EQ(RunKiln("validate -var-file=flag-bad.vars.json -var flag=true precedence.json", kCli).exit_code, 0);
  EXPECT_EQ(RunKiln("validate -var-file=flag-bad.vars.json -var-file=flag-good.vars.json precedence.json", kCli).exit_code, 0);
  RunResult later_bad = RunKiln("validate -var-file=flag-good.vars.json -var-file=flag-bad.vars.json precedence.json", kCli);
  EXPECT_EQ(later_bad.exit_code, 1);
  EXPECT_NE(later_bad.err.find("\"still-not-a-bool\" is not true or false"), std::string::npos) << later_bad.err;
}

TEST(Cli, PkrVarDoesNotApplyToJsonTemplates) {
  RunResult r = RunKiln("validate precedence.json", kCli, "PKR_VAR_flag=true");
  EXPECT_EQ(r.exit_code, 1) << r.all();
}

// The secret from the var file, and its encodings, must appear nowhere.
void ExpectNoSecret(const std::string& text, const std::string& context) {
  const std::string secret = "s3cr,et \"pa$$/word\" +x";
  for (const std::string& form : {secret, ui::JsonEscape(secret), ui::UrlEncode(secret, false),
                                  ui::UrlEncode(secret, true), ui::Base64(secret), ui::MachineEscape(secret),
                                  std::string("s3cr"), std::string("tok-EMBEDDED")})
    EXPECT_EQ(text.find(form), std::string::npos) << context << ": leaked \"" << form << "\" in:\n" << text;
}

TEST(Cli, SensitiveValuesNeverAppearInAnyOutput) {
  std::string log = ::testing::TempDir() + "/kiln-secrets.log";
  std::filesystem::remove(log);
  const std::string env = "KILN_LOG=1 KILN_LOG_PATH=" + log;
  struct Case {
    std::string args;
    int exit_code;
  } cases[] = {
      // The rendered secret makes "pull" fail: the error quotes the value.
      {"validate -var-file=secrets.vars.json secrets.json", 1},
      {"validate -machine-readable -var-file=secrets.vars.json secrets.json", 1},
      {"inspect -var-file=secrets.vars.json secrets.json", 0},
      {"inspect -machine-readable -var-file=secrets.vars.json secrets.json", 0},
      // -var beats the file, so this one is valid and logs the values.
      {"validate -var-file=secrets.vars.json -var pull_flag=true secrets.json", 0},
      {"build -var-file=secrets.vars.json -var pull_flag=true secrets.json", 1},
      // The template does not parse: nothing says which values are secret.
      {"validate -var-file=secrets.vars.json secrets-bad-syntax.json", 1},
      // The error's excerpt is the line holding a sensitive default.
      {"validate secret-default-on-error-line.json", 1},
  };
  for (const Case& c : cases) {
    RunResult r = RunKiln(c.args, kCli, env);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args << "\n" << r.all();
    ExpectNoSecret(r.all(), c.args);
  }
  std::string log_text = ReadAll(log);
  EXPECT_NE(log_text.find("variable registry_password = <sensitive>"), std::string::npos) << log_text;
  ExpectNoSecret(log_text, "debug log");

  // PACKER_LOG works too, to stderr.
  RunResult packer_log = RunKiln("validate -var-file=secrets.vars.json -var pull_flag=true secrets.json", kCli,
                                 "PACKER_LOG=1");
  EXPECT_NE(packer_log.err.find("variable api_token = <sensitive>"), std::string::npos) << packer_log.err;
  ExpectNoSecret(packer_log.all(), "PACKER_LOG");
}

TEST(Cli, ErrorsShowTheSourceLineAndACaret) {
  RunResult r = RunKiln("validate secret-default-on-error-line.json", kCli);
  EXPECT_NE(r.err.find("Error: secret-default-on-error-line.json:2:72: variable count: the default must be a string or null\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("  2 |   \"variables\": {\"api_token\": \"<sensitive>\", \"count\": 5},\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("    | " + std::string(53, ' ') + "^\n"), std::string::npos) << r.err;
}


// Issue 13: an error on a 10 MB line printed 20 MB (the line, then as much
// padding for the caret). Generated here rather than committed.
TEST(Cli, AnErrorOnATenMegabyteLinePrintsAWindow) {
  std::string dir = ::testing::TempDir();
  std::string path = dir + "/kiln-long-line.json";
  std::ofstream(path) << "{\"builders\": [{\"type\": \"docker\", \"commit\": true, \"image\": \""
                      << std::string(10'000'000, 'x') << "\", \"colour\": \"blue\"}]}\n";
  RunResult r = RunKiln("validate kiln-long-line.json", dir);
  std::remove(path.c_str());
  EXPECT_EQ(r.exit_code, 1) << r.err.substr(0, 500);
  EXPECT_NE(r.err.find("kiln-long-line.json:1:10000063: builder 1 (docker): unknown configuration key: 'colour'"),
            std::string::npos)
      << r.err.substr(0, 500);
  EXPECT_LT(r.err.size(), 1'000u) << r.err.substr(0, 500);
  EXPECT_NE(r.err.find("xxx\", \"colour\": \"blue\"}]}"), std::string::npos) << r.err.substr(0, 500);
}

}  // namespace
}  // namespace kiln::testing
