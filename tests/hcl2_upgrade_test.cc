// `kiln hcl2_upgrade` over every valid JSON fixture: the HCL2 it writes must
// validate with kiln, and `kiln inspect` must describe it as it describes
// the JSON original (builders are compared by type, since HCL2 names them
// "<type>.<source name>"). The seed-like docker template, upgraded, must
// build the same image as the JSON one.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "docker_world.h"
#include "kiln_runner.h"
#include "template/json_loader.h"
#include "template/legacy_to_hcl.h"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;

const std::string kJsonDir = KILN_FIXTURES_DIR "/json";

struct Case {
  std::string name, args, env;
};

std::vector<Case> ValidCases() {
  std::vector<Case> cases;
  for (const auto& entry : fs::directory_iterator(kJsonDir)) {
    if (entry.path().extension() != ".expect") continue;
    Case c{entry.path().stem().string(), "", ""};
    bool valid = false;
    std::istringstream in(ReadAll(entry.path().string()));
    for (std::string line; std::getline(in, line);) {
      auto value = [&](std::string_view key) {
        std::string v = line.substr(key.size());
        return v.erase(0, v.find_first_not_of(' '));
      };
      if (line.starts_with("args:")) c.args = value("args:");
      else if (line.starts_with("env:")) c.env += value("env:") + " ";
      else if (line.starts_with("verdict:")) valid = value("verdict:") == "valid";
    }
    if (valid) cases.push_back(c);
  }
  std::sort(cases.begin(), cases.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
  return cases;
}

// inspect's output by section; the builders section reduced to the types.
std::map<std::string, std::vector<std::string>> Sections(const std::string& out) {
  std::map<std::string, std::vector<std::string>> sections;
  std::string current;
  std::istringstream in(out);
  std::string line;
  std::getline(in, line);  // "kiln inspect: JSON template" / "HCL2 template"
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line[0] != ' ') {
      current = line;
      continue;
    }
    if (current == "Builders:") {
      std::smatch m;
      std::string entry = line.substr(2);
      if (std::regex_search(entry, m, std::regex(R"(\(([^)]+)\)$)"))) entry = m[1];
      sections[current].push_back(entry);
    } else {
      sections[current].push_back(line);
    }
  }
  return sections;
}

// -only/-except name JSON builds; the HCL2 template names them
// "<type>.<source name>".
std::string MapSelectionArgs(const std::string& args, const std::string& json_path) {
  Diagnostics diags;
  tmpl::Template t = tmpl::LoadJsonTemplate(json_path, diags);
  std::map<std::string, std::string> names;
  for (std::size_t i = 0; i < t.builders.size(); ++i)
    names[t.builders[i].name] = t.builders[i].type + "." + tmpl::UpgradedSourceName(t.builders[i], i);
  std::istringstream in(args);
  std::string out, word;
  while (in >> word) {
    for (std::string flag : {"-only=", "-except="}) {
      if (!word.starts_with(flag)) continue;
      std::string mapped, list = word.substr(flag.size());
      std::size_t start = 0;
      while (start <= list.size()) {
        std::size_t comma = std::min(list.find(',', start), list.size());
        std::string n = list.substr(start, comma - start);
        mapped += (mapped.empty() ? "" : ",") + (names.contains(n) ? names[n] : n);
        start = comma + 1;
      }
      word = flag + mapped;
    }
    out += word + " ";
  }
  return out;
}

// Cases kiln's HCL2 reading cannot match, by design, with the reason: the
// upgraded template is not valid.
const std::map<std::string, std::string> kValidateExceptions = {
    {"var_file_env_in_value", "a var-file value with {{env}} is not rendered in HCL2 (values are not templates)"},
    {"var_file_duplicate_key", "Go's lenient JSON var-file decoding: HCL2 var files reject duplicate keys"},
    {"var_file_trailing_garbage", "Go's lenient JSON var-file decoding: HCL2 var files reject trailing data"},
    {"var_file_null_value", "a null var-file value is null in HCL2, not the empty string"},
    {"var_undeclared_cli", "HCL2 rejects -var for an undeclared variable (JSON ignores it)"},
};

// Cases whose inspect output differs by design, with the reason.
const std::map<std::string, std::string> kInspectExceptions = {
    {"var_env_default", "an {{env}} default is shown as written in JSON, evaluated in HCL2"},
    {"var_env_default_empty", "an {{env}} default is shown as written in JSON, evaluated in HCL2"},
    {"var_user_chain", "variables whose defaults use other variables become locals, which inspect does not list"},
};

class UpgradedFixture : public ::testing::TestWithParam<Case> {};

TEST_P(UpgradedFixture, ValidatesAndInspectsLikeTheJson) {
  const Case& c = GetParam();
  // Next to the JSON, where hcl2_upgrade writes by default, so that
  // path.root is the JSON template's directory as {{template_dir}} was.
  std::string hcl = kJsonDir + "/.kiln-upgrade-" + std::to_string(::getpid()) + "-" + c.name + ".pkr.hcl";
  struct Remove {
    std::string path;
    ~Remove() { fs::remove(path); }
  } remove{hcl};
  RunResult up = RunKiln("hcl2_upgrade -output-file=" + hcl + " " + c.name + ".json", kJsonDir);
  ASSERT_EQ(up.exit_code, 0) << up.all();
  ASSERT_TRUE(fs::exists(hcl));
  RunResult v = RunKiln("validate " + MapSelectionArgs(c.args, kJsonDir + "/" + c.name + ".json") + " " + hcl,
                        kJsonDir, c.env);
  if (kValidateExceptions.contains(c.name)) {
    EXPECT_EQ(v.exit_code, 1) << "listed as an exception (" << kValidateExceptions.at(c.name)
                              << ") but valid: remove it from the list\n" << v.all();
    return;
  }
  EXPECT_EQ(v.exit_code, 0) << v.all() << "\n--- " << hcl << ":\n" << ReadAll(hcl);
  bool passed = v.out.find("The configuration is valid.") != std::string::npos ||
                v.out.find("Syntax-only check passed.") != std::string::npos;
  EXPECT_TRUE(passed) << v.all();
  if (!kInspectExceptions.contains(c.name)) {
    RunResult ij = RunKiln("inspect " + c.name + ".json", kJsonDir, c.env);
    RunResult ih = RunKiln("inspect " + hcl, kJsonDir, c.env);
    ASSERT_EQ(ij.exit_code, 0) << ij.all();
    ASSERT_EQ(ih.exit_code, 0) << ih.all();
    EXPECT_EQ(Sections(ih.out), Sections(ij.out)) << "JSON:\n" << ij.out << "\nHCL2:\n" << ih.out;
  }
}

INSTANTIATE_TEST_SUITE_P(JsonFixtures, UpgradedFixture, ::testing::ValuesIn(ValidCases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string n = info.param.name;
                           std::replace_if(n.begin(), n.end(), [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
                           return n;
                         });

TEST(Hcl2Upgrade, DefaultOutputFileAndAnnotations) {
  fs::path dir = fs::path(::testing::TempDir()) / ("kiln-upgrade-default-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(kJsonDir + "/seed.json", dir / "seed.json", fs::copy_options::overwrite_existing);
  RunResult r = RunKiln("hcl2_upgrade -with-annotations seed.json", dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_NE(r.out.find("Successfully created seed.json.pkr.hcl"), std::string::npos) << r.out;
  std::string text = ReadAll((dir / "seed.json.pkr.hcl").string());
  EXPECT_TRUE(text.starts_with("# Generated by 'kiln hcl2_upgrade'")) << text;
  EXPECT_NE(text.find("variable \"registry_password\" {\n  type      = string\n  sensitive = true\n}"), std::string::npos) << text;
  EXPECT_NE(text.find("ami_name               = \"base-image-example-${local.timestamp}\""), std::string::npos) << text;
  EXPECT_NE(text.find("echo 'built by ${source.name} (${source.type})'"), std::string::npos) << text;
  fs::remove_all(dir);
}

TEST(Hcl2Upgrade, BrokenJsonIsAnErrorWithItsPosition) {
  RunResult r = RunKiln("hcl2_upgrade -output-file=/dev/null json_trailing_comma.json", kJsonDir);
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("json_trailing_comma.json:"), std::string::npos) << r.err;
}

// The seed-like docker template, upgraded, builds the same image.
TEST(Hcl2UpgradeDocker, SeedTemplateBuildsTheSameImage) {
  KILN_REQUIRE_DOCKER();
  const std::string docker_dir = KILN_FIXTURES_DIR "/docker";
  std::string uuid = "kiln-test-hcl-" + std::to_string(::getpid());
  fs::path tmp = fs::path(::testing::TempDir()) / uuid;
  fs::create_directories(tmp);
  std::string hcl = (tmp / "seed-docker.pkr.hcl").string();
  ASSERT_EQ(RunKiln("hcl2_upgrade -output-file=" + hcl + " seed-docker.json", docker_dir).exit_code, 0);
  RunResult r = RunKiln("build " + hcl, docker_dir, "PACKER_RUN_UUID=" + uuid + " TMPDIR=" + tmp.string());
  ASSERT_EQ(r.exit_code, 0) << r.all();
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(Imported Docker image: (sha256:[0-9a-f]{64}))"))) << r.out;
  std::string image = m[1];
  EXPECT_EQ(Sh("docker image inspect -f '{{json .Config.Entrypoint}} {{json .Config.Cmd}}' " + image).output,
            "[\"/bin/sh\"] null\n");
  EXPECT_EQ(Sh("docker image inspect -f '{{index .Config.Labels \"org.example.built-by\"}}' " + image).output, "kiln\n");
  EXPECT_NE(Sh("docker image inspect -f '{{json .Config.ExposedPorts}}' " + image).output.find("\"8080/tcp\""),
            std::string::npos);
  ShellResult java = Sh("docker run --rm --entrypoint java " + image + " -version");
  EXPECT_EQ(java.status, 0) << java.output;
  EXPECT_NE(java.output.find("openjdk version \"17"), std::string::npos) << java.output;
  EXPECT_EQ(ContainersOfRun(uuid), "");
  Sh("docker rmi -f " + image);
  fs::remove_all(tmp);
}

}  // namespace
}  // namespace kiln::testing
