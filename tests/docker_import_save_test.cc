// docker-import and docker-save against the real engine: a docker build with
// export_path, its tar imported with repository, tag and changes, the image
// saved to a tar. Also the artifact types each refuses.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "docker_world.h"
#include "kiln_runner.h"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;
const std::string kFixtures = KILN_FIXTURES_DIR "/docker_pp";

struct ImportRun {
  std::string uuid;
  fs::path tmp;
  std::string repository;
  ImportRun() {
    static int n = 0;
    uuid = "kiln-import-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
    tmp = fs::path(::testing::TempDir()) / uuid;
    repository = "kiln-test/" + uuid;
    fs::create_directories(tmp / "tmp");
  }
  ~ImportRun() {
    Sh("docker rmi -f " + repository + ":0.1 >/dev/null 2>&1");
    Sh("docker rm -f $(docker ps -aq --filter name=kiln-" + uuid + ") >/dev/null 2>&1");
    fs::remove_all(tmp);
  }
  RunResult Build(const std::string& args) const {
    return RunKiln("build " + args, tmp.string(), "PACKER_RUN_UUID=" + uuid + " TMPDIR=" + (tmp / "tmp").string());
  }
};

TEST(DockerImportSave, ExportImportSave) {
  KILN_REQUIRE_DOCKER();
  ImportRun run;
  RunResult r = run.Build("-var repository=" + run.repository + " '" + kFixtures + "/import-save.json'");
  ASSERT_EQ(r.exit_code, 0) << r.all();
  std::string name = run.repository + ":0.1";

  // docker-import: the name, the changes, the provisioned file.
  EXPECT_NE(r.out.find("docker (docker-import): Repository: " + name), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(docker \(docker-import\): Imported ID: sha256:[0-9a-f]{64})"))) << r.out;
  EXPECT_EQ(Sh("docker image inspect -f '{{index .Config.Labels \"org.example.imported\"}}' " + name).output, "yes\n");
  EXPECT_NE(Sh("docker image inspect -f '{{json .Config.Env}}' " + name).output.find("KILN_IMPORTED=1"),
            std::string::npos);
  ShellResult cat = Sh("docker run --rm " + name);  // CMD from changes
  EXPECT_EQ(cat.output, "imported\n");

  // docker-save: a docker save tar naming the image.
  fs::path saved = run.tmp / "out" / "saved.tar";
  ASSERT_TRUE(fs::exists(saved)) << r.out;
  ShellResult manifest = Sh("tar -xOf " + saved.string() + " manifest.json");
  EXPECT_NE(manifest.output.find("\"" + name + "\""), std::string::npos) << manifest.output;
  EXPECT_NE(r.out.find("docker (docker-save): Saved to: out/saved.tar"), std::string::npos) << r.out;

  // The exported tar was docker-import's input, not kept; the image is
  // reported twice (docker-save passes its input on and keeps it, as Packer).
  EXPECT_FALSE(fs::exists(run.tmp / "out" / "rootfs.tar"));
  EXPECT_EQ(r.out.find("Exported Docker file"), std::string::npos) << r.out;
  std::regex line("--> docker: Imported Docker image: " + run.repository + ":0\\.1\n");
  EXPECT_EQ(std::distance(std::sregex_iterator(r.out.begin(), r.out.end(), line), std::sregex_iterator()), 2)
      << r.out;
  EXPECT_EQ(ContainersOfRun(run.uuid), "");
  EXPECT_TRUE(fs::is_empty(run.tmp / "tmp"));
}

// A committed image is not a tar: docker-import says what it takes; a tar is
// not an image: docker-tag, docker-save and docker-push say so too.
TEST(DockerImportSave, WrongArtifactTypesAreClearErrors) {
  KILN_REQUIRE_DOCKER();
  ImportRun run;
  std::ofstream(run.tmp / "t.json") << R"({
  "builders": [{"type": "docker", "image": "debian:bookworm", "pull": false, "export_path": "rootfs.tar"}],
  "post-processors": [
    {"type": "docker-tag", "repository": "kiln-test/never"},
    {"type": "docker-save", "path": "never.tar"},
    {"type": "docker-push"}
  ]
})";
  RunResult r = run.Build("t.json");
  EXPECT_EQ(r.exit_code, 1) << r.all();
  EXPECT_NE(r.err.find("3 errors occurred"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Unknown artifact type: packer.docker: docker-tag tags the image"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Unknown artifact type: packer.docker: docker-save saves the image"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Unknown artifact type: packer.docker: docker-push pushes"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(run.tmp / "never.tar"));
  EXPECT_EQ(ContainersOfRun(run.uuid), "");
}

}  // namespace
}  // namespace kiln::testing
