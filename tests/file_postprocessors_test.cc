// `kiln build` with the file builder and the file post-processors (checksum,
// compress, manifest, artifice, shell-local) in chains, checked with the
// tools users check with (sha256sum -c, tar, unzip), and side by side with
// Packer 1.6.6 when it is installed. No docker needed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <sstream>

#include "docker_world.h"
#include "kiln_runner.h"

namespace kiln::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kUuid = "0f0f0f0f-1111-2222-3333-444455556666";

// A scratch directory holding one template; removed afterwards.
struct Workdir {
  fs::path dir;
  explicit Workdir(const std::string& name) {
    dir = fs::path(::testing::TempDir()) / ("kiln-fpp-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~Workdir() { fs::remove_all(dir); }
  void Write(const std::string& name, const std::string& text) const {
    fs::create_directories((dir / name).parent_path());
    std::ofstream(dir / name, std::ios::binary) << text;
  }
  std::string Read(const std::string& name) const { return ReadAll((dir / name).string()); }
  bool Exists(const std::string& name) const { return fs::exists(dir / name); }
  RunResult Kiln(const std::string& args) const {
    return RunKiln(args, dir.string(), "PACKER_RUN_UUID=" + std::string(kUuid));
  }
  ShellResult In(const std::string& cmd) const { return Sh("cd '" + dir.string() + "' && " + cmd); }
};

// The machine-readable artifact records, without their timestamps.
std::string ArtifactRecords(const std::string& out) {
  std::string records;
  std::regex line(R"(^\d+,([^,]*),(artifact-count|artifact),(.*)$)");
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (std::regex_match(l, m, line)) records += m[1].str() + "," + m[2].str() + "," + m[3].str() + "\n";
  }
  return records;
}

// Two chains from one file: [checksum, manifest, shell-local] and a kept
// input compressed to a tar.gz.
constexpr std::string_view kChains = R"({
  "variables": {"who": "kiln"},
  "builders": [{"type": "file", "name": "f1", "content": "hello world\n", "target": "out/a.txt"}],
  "post-processors": [
    [
      {"type": "checksum", "checksum_types": ["sha256", "md5"],
       "output": "sums/{{.BuildName}}_{{.BuilderType}}_{{.ChecksumType}}.sum"},
      {"type": "manifest", "output": "m.json", "strip_time": true,
       "custom_data": {"by": "{{user `who`}}", "html": "<a&b>"}},
      {"type": "shell-local", "inline": ["echo \"$PACKER_BUILD_NAME $PACKER_BUILDER_TYPE\" > env.txt"]}
    ],
    [{"type": "compress", "output": "c/{{.BuildName}}.tar.gz", "keep_input_artifact": true}]
  ]
})";

TEST(FilePostProcessors, ChainsProduceCheckedFilesAndTheSummaryListsThem) {
  Workdir w("chains");
  w.Write("t.json", std::string(kChains));
  RunResult r = w.Kiln("build -machine-readable t.json");
  ASSERT_EQ(r.exit_code, 0) << r.all();

  // The checksum files, as sha256sum and md5sum check them.
  EXPECT_EQ(w.Read("sums/f1_file_sha256.sum"),
            "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447\ta.txt\n");
  ShellResult check = w.In("cd out && sha256sum -c ../sums/f1_file_sha256.sum && md5sum -c ../sums/f1_file_md5.sum");
  EXPECT_EQ(check.status, 0) << check.output;
  EXPECT_EQ(check.output, "a.txt: OK\na.txt: OK\n");
  // The archive.
  EXPECT_EQ(w.In("tar xzf c/f1.tar.gz -O a.txt").output, "hello world\n");
  // shell-local saw the build.
  EXPECT_EQ(w.Read("env.txt"), "f1 file\n");
  // The manifest records the checksum artifact.
  EXPECT_EQ(w.Read("m.json"), R"({
  "builds": [
    {
      "name": "f1",
      "builder_type": "file",
      "files": [
        {
          "name": "out/a.txt",
          "size": 12
        },
        {
          "name": "sums/f1_file_sha256.sum",
          "size": 71
        },
        {
          "name": "sums/f1_file_md5.sum",
          "size": 39
        }
      ],
      "artifact_id": "",
      "packer_run_uuid": "0f0f0f0f-1111-2222-3333-444455556666",
      "custom_data": {
        "by": "kiln",
        "html": "\u003ca\u0026b\u003e"
      }
    }
  ],
  "last_run_uuid": "0f0f0f0f-1111-2222-3333-444455556666"
})");
  // Every artifact, as Packer lists them: the kept file, the checksum
  // artifact (kept by manifest, passed on by manifest and shell-local: three
  // times), then the archive.
  std::string records = ArtifactRecords(r.out);
  EXPECT_NE(records.find("f1,artifact-count,5\n"), std::string::npos) << records;
  EXPECT_NE(records.find("f1,artifact,0,builder-id,packer.file\nf1,artifact,0,id,File\n"
                         "f1,artifact,0,string,Stored file: out/a.txt\n"),
            std::string::npos)
      << records;
  for (int i : {1, 2, 3})
    EXPECT_NE(records.find(fmt::format("f1,artifact,{0},builder-id,packer.post-processor.checksum\n"
                                       "f1,artifact,{0},id,\n",
                                       i)),
              std::string::npos)
        << records;
  EXPECT_NE(records.find("f1,artifact,4,builder-id,packer.post-processor.compress\n"), std::string::npos) << records;
  EXPECT_NE(records.find("f1,artifact,4,string,compressed artifacts in: c/f1.tar.gz\n"), std::string::npos);
  EXPECT_NE(r.out.find("==> f1 (compress): Tarring c/f1.tar.gz with gzip"), std::string::npos) << r.out;
}

TEST(FilePostProcessors, SameFilesAndArtifactsAsPacker) {
  if (Sh("command -v packer").status != 0) GTEST_SKIP() << "packer 1.6.6 is not installed (scripts/install-deps.sh)";
  Workdir k("vs-kiln"), p("vs-packer");
  k.Write("t.json", std::string(kChains));
  p.Write("t.json", std::string(kChains));
  RunResult kr = k.Kiln("build -machine-readable t.json");
  ASSERT_EQ(kr.exit_code, 0) << kr.all();
  ShellResult pr = p.In("CHECKPOINT_DISABLE=1 packer build -machine-readable t.json");
  ASSERT_EQ(pr.status, 0) << pr.output;
  // Packer 1.6.6 picks its own run UUID whatever the environment says.
  std::smatch m;
  std::string packer_manifest = p.Read("m.json");
  ASSERT_TRUE(std::regex_search(packer_manifest, m, std::regex(R"re("last_run_uuid": "([0-9a-f-]+)")re")));
  std::string uuid = m[1];
  for (std::size_t at; (at = packer_manifest.find(uuid)) != std::string::npos;)
    packer_manifest.replace(at, uuid.size(), kUuid);
  EXPECT_EQ(k.Read("m.json"), packer_manifest);
  for (const char* f : {"sums/f1_file_sha256.sum", "sums/f1_file_md5.sum", "env.txt"})
    EXPECT_EQ(k.Read(f), p.Read(f)) << f;
  EXPECT_EQ(k.In("tar tzf c/f1.tar.gz").output, p.In("tar tzf c/f1.tar.gz").output);
  EXPECT_EQ(ArtifactRecords(kr.out), ArtifactRecords(pr.output));
}

TEST(FilePostProcessors, CompressDestroysItsInputUnlessKept) {
  Workdir w("destroy");
  w.Write("t.json", R"({
  "builders": [{"type": "file", "content": "x", "target": "a.img"}],
  "post-processors": [[{"type": "compress", "output": "a.img.xz"}]]
})");
  RunResult r = w.Kiln("build t.json");
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_FALSE(w.Exists("a.img"));
  EXPECT_EQ(w.In("xz -dc a.img.xz").output, "x");
  EXPECT_NE(r.out.find("--> file: compressed artifacts in: a.img.xz"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Stored file"), std::string::npos) << r.out;
}

TEST(FilePostProcessors, ArtificeReplacesTheArtifactAndZipsIt) {
  Workdir w("artifice");
  w.Write("t.json", R"({
  "builders": [{"type": "file", "content": "x", "target": "a.txt"}],
  "provisioners": [{"type": "shell-local", "inline": ["mkdir -p dl", "echo one > dl/one.bin", "echo two > dl/two.bin"]}],
  "post-processors": [[
    {"type": "artifice", "files": ["dl/*.bin"], "keep_input_artifact": false},
    {"type": "compress", "output": "dl.zip", "keep_input_artifact": true}
  ]]
})");
  RunResult r = w.Kiln("build t.json");
  ASSERT_EQ(r.exit_code, 0) << r.all();
  EXPECT_FALSE(w.Exists("a.txt"));  // the builder's artifact, not kept
  EXPECT_EQ(w.In("unzip -Z1 dl.zip").output, "dl/one.bin\ndl/two.bin\n");
  EXPECT_NE(r.out.find("==> file (artifice): Using these artifact files: dl/one.bin, dl/two.bin"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("--> file: Created artifact from files: dl/one.bin, dl/two.bin"), std::string::npos);
}

TEST(FilePostProcessors, ManifestAppendsAcrossRuns) {
  Workdir w("append");
  w.Write("t.json", R"({
  "builders": [{"type": "file", "content": "x", "target": "a.txt"}],
  "post-processors": [{"type": "manifest", "strip_path": true}]
})");
  ASSERT_EQ(w.Kiln("build t.json").exit_code, 0);
  ASSERT_EQ(w.Kiln("build t.json").exit_code, 0);
  std::string m = w.Read("packer-manifest.json");
  EXPECT_EQ(std::count(m.begin(), m.end(), '{'), 1 + 2 * 2) << m;  // root, 2 builds with one file each
  EXPECT_NE(m.find("\"build_time\": "), std::string::npos);
  EXPECT_FALSE(w.Exists("packer-manifest.json.lock"));
}

TEST(FilePostProcessors, BadOptionsFailValidateWithPositions) {
  Workdir w("bad");
  w.Write("t.json", R"({
  "builders": [{"type": "file", "content": "x", "target": "a.txt"}],
  "post-processors": [
    {"type": "checksum", "checksum_types": ["crc32"]},
    {"type": "compress", "output": "x.bgzf", "compression_level": -3},
    {"type": "artifice", "files": []}
  ]
})");
  RunResult r = w.Kiln("validate t.json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.all().find("t.json:4:45: unknown checksum type 'crc32'"), std::string::npos) << r.all();
  EXPECT_NE(r.all().find("t.json:5:36: kiln cannot write bgzf archives"), std::string::npos) << r.all();
  EXPECT_NE(r.all().find("t.json:5:67: compression_level -3 is out of range"), std::string::npos) << r.all();
  EXPECT_NE(r.all().find("t.json:6:35: files must list at least one file"), std::string::npos) << r.all();
  RunResult b = w.Kiln("build t.json");
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_FALSE(w.Exists("a.txt"));
}

TEST(FilePostProcessors, AFailingPostProcessorFailsTheBuildAndStopsItsChain) {
  Workdir w("fail");
  w.Write("t.json", R"({
  "builders": [{"type": "file", "content": "x", "target": "a.txt"}],
  "post-processors": [[
    {"type": "shell-local", "inline": ["exit 4"]},
    {"type": "checksum", "output": "never.sum"}
  ]]
})");
  RunResult r = w.Kiln("build t.json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("exited with status 4"), std::string::npos) << r.all();
  EXPECT_FALSE(w.Exists("never.sum"));
}

}  // namespace
}  // namespace kiln::testing
