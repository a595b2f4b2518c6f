// The HCL2 commands as a user runs them: validate/inspect/build's loading of
// .pkr.hcl files and directories, fmt and console.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "kiln_runner.h"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;

class HclCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("kiln-hcl-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  RunResult Kiln(const std::string& args, const std::string& env = "") { return RunKiln(args, dir_.string(), env); }
  // With standard input from `input` (a file in the test's directory).
  RunResult KilnWithInput(const std::string& args, const std::string& input) {
    std::string base = (dir_ / "run").string();
    std::string cmd = "cd '" + dir_.string() + "' && '" KILN_BINARY "' " + args + " <'" + input + "' >" + base +
                      ".out 2>" + base + ".err";
    int status = std::system(cmd.c_str());
    RunResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadAll(base + ".out");
    r.err = ReadAll(base + ".err");
    return r;
  }
  fs::path dir_;
};

const char* kTemplate = R"(variable "greeting" {
  type    = string
  default = "hello"
}

variable "password" {
  type      = string
  default   = "s3cr3t-pw"
  sensitive = true
}

source "null" "box" {
  communicator = "none"
}

build {
  sources = ["source.null.box"]

  provisioner "shell-local" {
    inline = ["echo ${var.greeting} ${var.password}"]
  }
}
)";

TEST_F(HclCli, ValidateAndInspectAFileAndADirectory) {
  Write("t/main.pkr.hcl", kTemplate);
  RunResult v = Kiln("validate t/main.pkr.hcl");
  EXPECT_EQ(v.exit_code, 0) << v.all();
  EXPECT_NE(v.out.find("The configuration is valid."), std::string::npos) << v.all();
  v = Kiln("validate t");
  EXPECT_EQ(v.exit_code, 0) << v.all();
  RunResult i = Kiln("inspect t");
  EXPECT_EQ(i.exit_code, 0) << i.all();
  EXPECT_NE(i.out.find("kiln inspect: HCL2 template"), std::string::npos) << i.out;
  EXPECT_NE(i.out.find("null.box (null)"), std::string::npos) << i.out;
  EXPECT_NE(i.out.find("password  = <sensitive>"), std::string::npos) << i.out;
  EXPECT_EQ(i.out.find("s3cr3t-pw"), std::string::npos) << i.out;
}

TEST_F(HclCli, VariablePrecedenceEndToEnd) {
  Write("t/main.pkr.hcl", R"(variable "a" { default = "default" }
source "docker" "x" {
  image  = "debian:bookworm"
  commit = var.a
}
build { sources = ["source.docker.x"] }
)");
  // "yes" is not a bool: each source that wins is seen in the error.
  RunResult r = Kiln("validate t", "PKR_VAR_a=yes");
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("cannot parse 'commit' as bool"), std::string::npos) << r.all();
  Write("t/x.auto.pkrvars.hcl", "a = \"true\"\n");
  r = Kiln("validate t", "PKR_VAR_a=yes");
  EXPECT_EQ(r.exit_code, 0) << r.all();
  Write("bad.pkrvars.hcl", "a = \"maybe\"\n");
  r = Kiln("validate -var-file=bad.pkrvars.hcl t");
  EXPECT_EQ(r.exit_code, 1) << r.all();
  r = Kiln("validate -var-file=bad.pkrvars.hcl -var a=1 t");
  EXPECT_EQ(r.exit_code, 0) << r.all();
}

TEST_F(HclCli, ErrorsShowFileLineColumnAndTheLine) {
  Write("t.pkr.hcl", R"(source "docker" "x" {
  image  = "debian:bookworm"
  commit = true
  colour = "blue"
}
build { sources = ["source.docker.x"] }
)");
  RunResult r = Kiln("validate t.pkr.hcl");
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("t.pkr.hcl:4:3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("colour = \"blue\""), std::string::npos) << r.err;
}

TEST_F(HclCli, OnlyAndExceptMatchSourceNames) {
  Write("t.pkr.hcl", R"(source "docker" "good" {
  image  = "debian:bookworm"
  commit = true
}
source "docker" "broken" {
  commit = true
}
build {
  name    = "b"
  sources = ["source.docker.good", "source.docker.broken"]
}
)");
  EXPECT_EQ(Kiln("validate t.pkr.hcl").exit_code, 1);
  RunResult r = Kiln("validate -only=b.docker.good t.pkr.hcl");
  EXPECT_EQ(r.exit_code, 0) << r.all();
  r = Kiln("validate -except='*.broken' t.pkr.hcl");
  EXPECT_EQ(r.exit_code, 0) << r.all();
}

TEST_F(HclCli, SensitiveValuesAreMaskedInErrors) {
  Write("t.pkr.hcl", R"(variable "token" {
  type      = string
  sensitive = true
}
source "docker" "x" {
  image  = "debian:bookworm"
  commit = var.token
}
build { sources = ["source.docker.x"] }
)");
  RunResult r = Kiln("validate -var token=hunter2-not-a-bool t.pkr.hcl");
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_EQ(r.all().find("hunter2-not-a-bool"), std::string::npos) << r.all();
}

TEST_F(HclCli, FmtCheckWriteDiffRecursive) {
  std::string messy = "source \"null\" \"x\" {\ncommunicator=\"none\"\n}\n";
  std::string clean = "source \"null\" \"x\" {\n  communicator = \"none\"\n}\n";
  Write("a.pkr.hcl", messy);
  Write("sub/b.pkr.hcl", messy);
  Write("ok.pkrvars.hcl", "a = 1\n");
  RunResult r = Kiln("fmt -check .");
  EXPECT_EQ(r.exit_code, 3) << r.all();
  EXPECT_EQ(r.out, "a.pkr.hcl\n");
  r = Kiln("fmt -write=false -diff a.pkr.hcl");
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("-communicator=\"none\"\n+  communicator = \"none\"\n"), std::string::npos) << r.out;
  EXPECT_EQ(ReadAll((dir_ / "a.pkr.hcl").string()), messy);
  r = Kiln("fmt -recursive .");
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(ReadAll((dir_ / "a.pkr.hcl").string()), clean);
  EXPECT_EQ(ReadAll((dir_ / "sub/b.pkr.hcl").string()), clean);
  EXPECT_EQ(Kiln("fmt -check -recursive .").exit_code, 0);
  Write("bad.pkr.hcl", "a = \n");
  r = Kiln("fmt bad.pkr.hcl");
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("bad.pkr.hcl:"), std::string::npos) << r.err;
}

TEST_F(HclCli, ConsoleEvaluatesLinesFromStdin) {
  Write("t.pkr.hcl", kTemplate);
  Write("in.txt", "var.greeting\nupper(var.greeting)\n1 + 2\n[1, 2]\nvar.password\n");
  RunResult r = KilnWithInput("console t.pkr.hcl", "in.txt");
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(r.out.substr(0, r.out.find("[")), "hello\nHELLO\n3\n") << r.out;
  EXPECT_EQ(r.out.find("s3cr3t-pw"), std::string::npos) << r.out;
  Write("bad.txt", "nope.x\n");
  r = KilnWithInput("console -config-type=hcl2", "bad.txt");
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
}

// As Packer's: a JSON template, or no template, means legacy {{ }} lines.
TEST_F(HclCli, ConsoleRendersLegacyTemplatesForJson) {
  Write("t.json", R"({
  "variables": {"greeting": "hello", "password": "s3cr3t-pw", "derived": "{{user `greeting`}}-x"},
  "sensitive-variables": ["password"],
  "builders": [{"type": "null", "communicator": "none"}]
})");
  Write("in.txt", "{{user `greeting`}}\n{{upper (user `derived`)}}\n{{user `password`}}\nplain text\n");
  RunResult r = KilnWithInput("console -var greeting=hi t.json", "in.txt");
  EXPECT_EQ(r.exit_code, 0) << r.all();
  EXPECT_EQ(r.out.find("s3cr3t-pw"), std::string::npos) << r.out;
  EXPECT_EQ(r.out, "hi\nHI-X\n<sensitive>\nplain text\n") << r.all();

  Write("plain.txt", "{{user `a`}}\n{{lower `ABC`}}\nupper(\"a\")\n{{build_name}}\n");
  r = KilnWithInput("console -var a=1", "plain.txt");
  EXPECT_EQ(r.exit_code, 1) << r.all();  // build_name has no build here
  EXPECT_EQ(r.out, "1\nabc\nupper(\"a\")\n") << r.all();
  EXPECT_NE(r.err.find("build_name not available"), std::string::npos) << r.err;

  r = KilnWithInput("console -config-type=yaml", "plain.txt");
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("-config-type must be \"json\" or \"hcl2\""), std::string::npos) << r.err;
}

}  // namespace
}  // namespace kiln::testing
