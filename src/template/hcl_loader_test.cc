#include "template/hcl_loader.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "util/temp_dir.h"

namespace kiln::tmpl {
namespace {

class HclLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<TempDir> d = TempDir::Create("kiln-hcl-loader-");
    ASSERT_TRUE(d.has_value());
    dir_ = std::move(*d);
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_.path() / name).string();
    std::ofstream(path) << text;
    return path;
  }
  HclLoaded Load(const std::string& path, HclLoadOptions options = {}) {
    if (options.env.empty()) options.use_process_env = false;
    diags_.clear();
    return LoadHclTemplate(path, options, diags_);
  }
  std::string Errors() const {
    std::string out;
    for (const Error& e : diags_) out += e.Message() + "\n";
    return out;
  }
  // "file:line:col: summary" of the first error, with the file's base name.
  std::string FirstError() const {
    for (const Error& e : diags_) {
      if (e.warning) continue;
      if (!e.where) return e.summary;
      std::string file = std::filesystem::path(e.where->file).filename().string();
      return fmt::format("{}:{}:{}: {}", file, e.where->start.line, e.where->start.column, e.summary);
    }
    return "";
  }
  TempDir dir_;
  Diagnostics diags_;
};

const char* kDocker = R"(
variable "image" {
  type    = string
  default = "debian:bookworm"
}
source "docker" "web" {
  image  = var.image
  commit = true
  changes = ["LABEL a=b"]
}
)";

TEST_F(HclLoaderTest, SourceAndBuildBecomeTheModel) {
  std::string f = Write("t.pkr.hcl", std::string(kDocker) + R"(
build {
  description = "d"
  sources = ["source.docker.web"]
  provisioner "shell" {
    inline       = ["echo ${source.name} ${source.type} ${build.ID}"]
    pause_before = "1s"
  }
  post-processors {
    post-processor "docker-tag" {
      repository = "r"
      tags       = ["1"]
    }
    post-processor "docker-push" {}
  }
  post-processor "checksum" {
    name = "sum"
    keep_input_artifact = true
  }
}
)");
  HclLoaded l = Load(f);
  ASSERT_FALSE(HasErrors(diags_)) << Errors();
  const Template& t = l.tmpl;
  EXPECT_EQ(t.description, "d");
  ASSERT_EQ(t.builders.size(), 1u);
  EXPECT_EQ(t.builders[0].type, "docker");
  EXPECT_EQ(t.builders[0].name, "docker.web");
  EXPECT_EQ(t.builders[0].options.ToJson(),
            nlohmann::json::parse(R"({"image":"debian:bookworm","commit":true,"changes":["LABEL a=b"]})"));
  ASSERT_EQ(t.provisioners.size(), 1u);
  EXPECT_EQ(t.provisioners[0].options.ToJson()["inline"][0], "echo web docker {{ build `ID` }}");
  EXPECT_EQ(t.provisioners[0].common.ToJson()["pause_before"], "1s");
  EXPECT_TRUE(t.provisioners[0].only.empty());
  ASSERT_EQ(t.post_processors.size(), 2u);
  ASSERT_EQ(t.post_processors[0].size(), 2u);
  EXPECT_EQ(t.post_processors[0][0].type, "docker-tag");
  EXPECT_EQ(t.post_processors[1][0].name, "sum");
  EXPECT_EQ(t.post_processors[1][0].keep_input_artifact, true);
  ASSERT_EQ(t.variables.size(), 1u);
  EXPECT_EQ(t.variables[0].default_value, "debian:bookworm");
}

TEST_F(HclLoaderTest, PostProcessorsSeeTheSourceOfTheirBuild) {
  std::string f = Write("t.pkr.hcl", std::string(kDocker) + R"(
source "docker" "api" {
  image  = "debian:bookworm"
  commit = true
}
build {
  sources = ["source.docker.web", "source.docker.api"]
  post-processors {
    post-processor "docker-tag" {
      repository = "registry.local/${source.name}"
    }
    post-processor "checksum" {}
  }
}
)");
  HclLoaded l = Load(f);
  ASSERT_FALSE(HasErrors(diags_)) << Errors();
  ASSERT_EQ(l.tmpl.post_processors.size(), 1u);
  const Chain& chain = l.tmpl.post_processors[0];
  // The tag differs per source: one copy for each; checksum is shared.
  ASSERT_EQ(chain.size(), 3u);
  EXPECT_EQ(chain[0].options.ToJson()["repository"], "registry.local/web");
  EXPECT_EQ(chain[0].only, std::vector<std::string>{"docker.web"});
  EXPECT_EQ(chain[1].options.ToJson()["repository"], "registry.local/api");
  EXPECT_EQ(chain[1].only, std::vector<std::string>{"docker.api"});
  EXPECT_EQ(chain[2].type, "checksum");
  EXPECT_TRUE(chain[2].only.empty());
}

TEST_F(HclLoaderTest, NamedBuildsPrefixNamesAndRestrictProvisioners) {
  std::string f = Write("t.pkr.hcl", std::string(kDocker) + R"(
source "null" "n" {
  communicator = "none"
}
build {
  name    = "one"
  sources = ["source.docker.web"]
  provisioner "shell-local" {
    inline = ["a"]
  }
}
build {
  name = "two"
  source "source.null.n" {
    name = "renamed"
  }
  source "source.docker.web" {
    image = "alpine"
  }
  provisioner "shell-local" {
    only   = ["null.renamed"]
    inline = ["b"]
  }
}
)");
  HclLoaded l = Load(f);
  ASSERT_FALSE(HasErrors(diags_)) << Errors();
  const Template& t = l.tmpl;
  ASSERT_EQ(t.builders.size(), 3u);
  EXPECT_EQ(t.builders[0].name, "one.docker.web");
  EXPECT_EQ(t.builders[1].name, "two.null.renamed");
  EXPECT_EQ(t.builders[2].name, "two.docker.web");
  EXPECT_EQ(t.builders[2].options.ToJson()["image"], "alpine");
  ASSERT_EQ(t.provisioners.size(), 2u);
  EXPECT_EQ(t.provisioners[0].only, std::vector<std::string>{"one.docker.web"});
  EXPECT_EQ(t.provisioners[1].only, std::vector<std::string>{"two.null.renamed"});
}

TEST_F(HclLoaderTest, OverridePerSourceAndPerSourceValues) {
  std::string f = Write("t.pkr.hcl", std::string(kDocker) + R"(
source "docker" "other" {
  image  = "alpine"
  commit = true
}
build {
  sources = ["source.docker.web", "source.docker.other"]
  provisioner "shell" {
    inline = ["echo ${source.name}"]
    override = {
      other = {
        execute_command = "x {{ .Path }}"
      }
    }
  }
}
)");
  HclLoaded l = Load(f);
  ASSERT_FALSE(HasErrors(diags_)) << Errors();
  const Provisioner& p = l.tmpl.provisioners.at(0);
  EXPECT_EQ(p.options.ToJson()["inline"][0], "echo web");
  ASSERT_TRUE(p.overrides.contains("docker.other"));
  EXPECT_EQ(p.overrides.at("docker.other").ToJson()["inline"][0], "echo other");
  EXPECT_EQ(p.overrides.at("docker.other").ToJson()["execute_command"], "x {{ .Path }}");
}

TEST_F(HclLoaderTest, VariablePrecedence) {
  // default < PKR_VAR_ < auto file < -var-file < -var
  Write("a.pkr.hcl", R"(
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
source "null" "n" { communicator = "none" }
build {
  sources = ["source.null.n"]
  provisioner "shell-local" { inline = ["${var.a} ${var.b} ${var.c} ${var.d} ${var.e}"] }
}
)");
  Write("x.auto.pkrvars.hcl", "c = \"auto\"\nd = \"auto\"\ne = \"auto\"\n");
  std::string vf = Write("given.pkrvars.hcl", "d = \"file\"\ne = \"file\"\n");
  HclLoadOptions o;
  o.env = {{"PKR_VAR_b", "env"}, {"PKR_VAR_c", "env"}, {"PKR_VAR_d", "env"}, {"PKR_VAR_e", "env"}};
  o.use_process_env = false;
  o.vars.var_files = {vf};
  o.vars.vars = {{"e", "flag"}};
  HclLoaded l = Load(dir_.path().string(), o);
  ASSERT_FALSE(HasErrors(diags_)) << Errors();
  EXPECT_EQ(l.tmpl.provisioners.at(0).options.ToJson()["inline"][0], "default env auto file flag");
}

TEST_F(HclLoaderTest, TypedVariablesFromFlagsAndJsonVarFiles) {
  std::string f = Write("t.pkr.hcl", R"(
variable "n" { type = number }
variable "l" { type = list(string) }
variable "s" { type = string }
source "null" "n" { communicator = "none" }
build {
  sources = ["source.null.n"]
  provisioner "shell-local" { inline = ["${var.n + 1} ${join(",", var.l)} ${var.s}"] }
}
)");
  std::string vf = Write("v.json", R"({"s": "from-json"})");
  HclLoadOptions o;
  o.vars.vars = {{"n", "41"}, {"l", "[\"a\", \"b\"]"}};
  o.vars.var_files = {vf};
  HclLoaded l = Load(f, o);
  ASSERT_FALSE(HasErrors(diags_)) << Errors();
  EXPECT_EQ(l.tmpl.provisioners.at(0).options.ToJson()["inline"][0], "42 a,b from-json");
}

TEST_F(HclLoaderTest, UnsetVariableIsAnErrorAtItsBlock) {
  std::string f = Write("t.pkr.hcl", "\nvariable \"password\" {\n  type = string\n}\n");
  Load(f);
  EXPECT_EQ(FirstError(), "t.pkr.hcl:2:1: Unset variable \"password\"");
}

TEST_F(HclLoaderTest, VariableValidationAndWrongType) {
  std::string f = Write("t.pkr.hcl", R"(variable "size" {
  type    = number
  default = 5
  validation {
    condition     = var.size > 10
    error_message = "The size must be more than 10."
  }
}
)");
  Load(f);
  EXPECT_EQ(FirstError(), "t.pkr.hcl:3:13: Invalid value for variable") << Errors();
  EXPECT_NE(Errors().find("The size must be more than 10."), std::string::npos);
  HclLoadOptions o;
  o.vars.vars = {{"size", "big"}};
  Load(f, o);
  EXPECT_TRUE(HasErrors(diags_));
  EXPECT_NE(Errors().find("Variables not allowed"), std::string::npos) << Errors();
}

TEST_F(HclLoaderTest, LocalsInAnyOrderDataAndSensitive) {
  std::string f = Write("t.pkr.hcl", R"(
locals {
  b = "${local.a}-b"
  a = data.null.x.output
}
local "secret" {
  expression = "s3cr3t-${local.b}"
  sensitive  = true
}
data "null" "x" {
  input = "a"
}
variable "pw" {
  default   = "hunter2"
  sensitive = true
}
source "null" "n" { communicator = "none" }
build {
  sources = ["source.null.n"]
  provisioner "shell-local" { inline = [local.b, local.secret, path.root, packer.version] }
}
)");
  HclLoaded l = Load(f);
  ASSERT_FALSE(HasErrors(diags_)) << Errors();
  nlohmann::json inline_ = l.tmpl.provisioners.at(0).options.ToJson()["inline"];
  EXPECT_EQ(inline_[0], "a-b");
  EXPECT_EQ(inline_[1], "s3cr3t-a-b");
  EXPECT_EQ(inline_[3], "1.6.6");
  auto has = [&](const std::string& s) {
    return std::find(l.vars.secrets.begin(), l.vars.secrets.end(), s) != l.vars.secrets.end();
  };
  EXPECT_TRUE(has("hunter2"));
  EXPECT_TRUE(has("s3cr3t-a-b"));
}

TEST_F(HclLoaderTest, CyclicLocals) {
  std::string f = Write("t.pkr.hcl", "locals {\n  a = local.b\n  b = local.a\n}\n");
  Load(f);
  EXPECT_NE(Errors().find("Cyclic dependency"), std::string::npos) << Errors();
}

TEST_F(HclLoaderTest, DynamicBlocks) {
  std::string f = Write("t.pkr.hcl", R"(
source "amazon-ebs" "a" {
  ami_name      = "kiln-test"
  instance_type = "t3.micro"
  region        = "us-east-1"
  source_ami    = "ami-123"
  ssh_username  = "admin"
  dynamic "launch_block_device_mappings" {
    for_each = ["/dev/sda1", "/dev/sdb"]
    iterator = dev
    content {
      device_name = dev.value
      volume_size = 10 + dev.key
    }
  }
}
build { sources = ["source.amazon-ebs.a"] }
)");
  HclLoaded l = Load(f);
  ASSERT_FALSE(HasErrors(diags_)) << Errors();
  nlohmann::json m = l.tmpl.builders.at(0).options.ToJson()["launch_block_device_mappings"];
  ASSERT_EQ(m.size(), 2u) << m.dump();
  EXPECT_EQ(m[1]["device_name"], "/dev/sdb");
  EXPECT_EQ(m[1]["volume_size"], 11);
}

TEST_F(HclLoaderTest, ErrorsNameFileLineColumn) {
  std::string f = Write("t.pkr.hcl", R"(source "docker" "web" {
  image  = "x"
  commit = true
  bogus  = 1
}
build {
  sources = ["source.docker.web", "source.docker.nope"]
}
)");
  Load(f);
  std::string all = Errors();
  EXPECT_NE(all.find("t.pkr.hcl:4:3: Unsupported argument"), std::string::npos) << all;
  EXPECT_NE(all.find("t.pkr.hcl:7:35: Unknown source source.docker.nope"), std::string::npos) << all;
}

TEST_F(HclLoaderTest, PackerBlock) {
  std::string f = Write("t.pkr.hcl", R"(packer {
  required_version = ">= 99.0"
}
)");
  Load(f);
  EXPECT_EQ(FirstError(), "t.pkr.hcl:2:22: Unsupported Packer version") << Errors();
  f = Write("t.pkr.hcl", R"(packer {
  required_version = ">= 1.5.0, < 2"
  required_plugins {
    docker = {
      version = ">= 0.0.7"
      source  = "github.com/hashicorp/docker"
    }
    nope = {
      version = ">= 1"
      source  = "github.com/example/nope"
    }
  }
}
)");
  Load(f);
  EXPECT_EQ(FirstError(), "t.pkr.hcl:8:5: Plugin \"github.com/example/nope\" is not available") << Errors();
}

TEST_F(HclLoaderTest, StructureOnlyNeedsNoVariableValues) {
  std::string f = Write("t.pkr.hcl", std::string(R"(
variable "pw" { type = string }
)") + kDocker + R"(
build {
  sources = ["source.docker.web"]
  provisioner "shell" { inline = [var.pw] }
  post-processor "docker-tag" { repository = var.pw }
}
)");
  HclLoadOptions o;
  o.structure_only = true;
  HclLoaded l = Load(f, o);
  ASSERT_FALSE(HasErrors(diags_)) << Errors();
  ASSERT_EQ(l.tmpl.builders.size(), 1u);
  EXPECT_EQ(l.tmpl.builders[0].name, "docker.web");
  EXPECT_EQ(l.tmpl.provisioners.size(), 1u);
  EXPECT_EQ(l.tmpl.post_processors.size(), 1u);
  EXPECT_FALSE(l.tmpl.variables[0].default_value.has_value());
}

TEST_F(HclLoaderTest, JsonSyntaxTemplate) {
  std::string f = Write("t.pkr.json", R"({
  "variable": {"image": {"default": "debian"}},
  "source": {"docker": {"web": {"image": "${var.image}", "commit": true}}},
  "build": {"sources": ["source.docker.web"]}
})");
  HclLoaded l = Load(f);
  ASSERT_FALSE(HasErrors(diags_)) << Errors();
  EXPECT_EQ(l.tmpl.builders.at(0).options.ToJson()["image"], "debian");
}

}  // namespace
}  // namespace kiln::tmpl
