// A docker build exported to a tar (export_path), then two post-processor
// chains on that tar: docker-import -> manifest, and compress -> checksum ->
// manifest. Checks what a user would check: the imported image runs with the
// provisioned file, the archive holds the container's filesystem, the
// checksum file passes `sha256sum -c`, the manifest records both chains.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "docker_world.h"
#include "kiln_runner.h"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;

TEST(DockerExportChain, ImportCompressChecksumManifestOnTheExportedTar) {
  KILN_REQUIRE_DOCKER();
  std::string uuid = "kiln-chain-" + std::to_string(::getpid());
  fs::path dir = fs::path(::testing::TempDir()) / uuid;
  fs::remove_all(dir);
  fs::create_directories(dir);
  struct Cleanup {
    fs::path dir;
    std::string uuid;
    ~Cleanup() {
      Sh("docker rm -f $(docker ps -aq --filter name=kiln-" + uuid + ") >/dev/null 2>&1");
      Sh("docker rmi -f kiln-chain-test/" + uuid + ":0.1 >/dev/null 2>&1");
      fs::remove_all(dir);
    }
  } cleanup{dir, uuid};
  std::string image = "kiln-chain-test/" + uuid + ":0.1";
  std::ofstream(dir / "t.json") << R"({
  "variables": {"repo": ""},
  "builders": [{"type": "docker", "image": "debian:bookworm", "pull": false, "export_path": "out/image.tar"}],
  "provisioners": [{"type": "shell", "inline": ["echo chained > /kiln-marker"]}],
  "post-processors": [
    [
      {"type": "docker-import", "repository": "{{user `repo`}}", "tag": "0.1"},
      {"type": "manifest", "output": "out/manifest.json", "strip_time": true}
    ],
    [
      {"type": "compress", "output": "out/{{.BuildName}}.tar.gz", "compression_level": 1},
      {"type": "checksum", "checksum_types": ["sha256"], "output": "out/{{.BuildName}}.{{.ChecksumType}}"},
      {"type": "manifest", "output": "out/manifest.json", "custom_data": {"chain": "export"}}
    ]
  ]
})";
  RunResult r = RunKiln("build -var repo=kiln-chain-test/" + uuid + " t.json", dir.string(), "PACKER_RUN_UUID=" + uuid + " TMPDIR=" + dir.string());
  ASSERT_EQ(r.exit_code, 0) << r.all();

  // The imported image has the provisioned file.
  EXPECT_EQ(Sh("docker run --rm " + image + " cat /kiln-marker").output, "chained\n");
  // Neither first post-processor kept its input: the exported tar is gone.
  EXPECT_FALSE(fs::exists(dir / "out/image.tar"));
  // The archive holds the exported tar, which holds the container's files.
  ShellResult marker = Sh("cd '" + dir.string() + "/out' && tar xzf docker.tar.gz -O image.tar | tar xf - -O kiln-marker");
  EXPECT_EQ(marker.output, "chained\n");
  // The checksum file, as sha256sum checks it.
  ShellResult check = Sh("cd '" + dir.string() + "/out' && sha256sum -c docker.sha256");
  EXPECT_EQ(check.status, 0) << check.output;
  EXPECT_EQ(check.output, "docker.tar.gz: OK\n");
  // The manifest: the imported image (no files, strip_time), then the
  // checksum artifact's files with their sizes.
  nlohmann::json m = nlohmann::json::parse(ReadAll((dir / "out/manifest.json").string()));
  ASSERT_EQ(m["builds"].size(), 2u) << m.dump(2);
  const nlohmann::json& imported = m["builds"][0];
  EXPECT_EQ(imported["name"], "docker");
  EXPECT_EQ(imported["artifact_id"], image);
  EXPECT_TRUE(imported["files"].is_null());
  EXPECT_FALSE(imported.contains("build_time"));
  EXPECT_TRUE(imported["custom_data"].is_null());
  const nlohmann::json& b = m["builds"][1];
  EXPECT_EQ(b["name"], "docker");
  EXPECT_EQ(b["builder_type"], "docker");
  EXPECT_EQ(b["packer_run_uuid"], uuid);
  EXPECT_EQ(m["last_run_uuid"], uuid);
  EXPECT_EQ(b["artifact_id"], "");
  EXPECT_GT(b["build_time"].get<long long>(), 1700000000);
  EXPECT_EQ(b["custom_data"], (nlohmann::json{{"chain", "export"}}));
  ASSERT_EQ(b["files"].size(), 2u) << b.dump(2);
  EXPECT_EQ(b["files"][0]["name"], "out/docker.tar.gz");
  EXPECT_EQ(b["files"][0]["size"], fs::file_size(dir / "out/docker.tar.gz"));
  EXPECT_EQ(b["files"][1]["name"], "out/docker.sha256");
  EXPECT_EQ(b["files"][1]["size"], fs::file_size(dir / "out/docker.sha256"));
  // The summary lists the image, the archive (kept by checksum) and the checksum artifact.
  EXPECT_NE(r.out.find("--> docker: Imported Docker image: " + image), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--> docker: compressed artifacts in: out/docker.tar.gz"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--> docker: Created artifact from files: out/docker.tar.gz, out/docker.sha256"),
            std::string::npos)
      << r.out;
  // Nothing left behind.
  EXPECT_EQ(ContainersOfRun(uuid), "");
}

}  // namespace
}  // namespace kiln::testing
