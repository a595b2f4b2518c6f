#include "postprocessors/checksum/post_processor.h"

#include <gtest/gtest.h>

#include "postprocessors/checksum/options.h"
#include "postprocessors/common/artifacts.h"
#include "postprocessors/common/test_support.h"

namespace kiln::postprocessors::checksum {
namespace {

using testing::PostProcessorTest;
using ChecksumTest = PostProcessorTest;

TEST_F(ChecksumTest, DefaultsArePackers) {
  Config c = Prepare(DecodeOk("{}", Options()));
  EXPECT_EQ(c.types, std::vector<std::string>{"md5"});
  EXPECT_EQ(c.output, "packer_{{.BuildName}}_{{.BuilderType}}_{{.ChecksumType}}.checksum");
}

TEST_F(ChecksumTest, KnownDigestsOfEveryType) {
  std::string f = Write("abc.txt", "abc");
  EXPECT_EQ(*HashFile(f, "md5"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(*HashFile(f, "sha1"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(*HashFile(f, "sha224"), "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
  EXPECT_EQ(*HashFile(f, "sha256"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HashFile(f, "sha384")->size(), 96u);
  EXPECT_EQ(HashFile(f, "sha512")->substr(0, 16), "ddaf35a193617aba");
  Result<std::string> missing = HashFile(Path("nope"), "md5");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().summary.find("unable to open file"), std::string::npos);
}

TEST_F(ChecksumTest, WritesPackersLinesPerTypeAndKeepsTheInput) {
  std::string a = Write("out/a.txt", "hello world\n");
  std::string b = Write("out/b.txt", "abc");
  FilesArtifact input("packer.file", {a, b});
  std::string output = Path("sums/{{.BuildName}}_{{.BuilderType}}_{{.ChecksumType}}.sum");
  ChecksumPostProcessor pp(Prepare(
      DecodeOk(R"({"checksum_types": ["sha256", "md5"], "output": ")" + output + R"("})", Options())));
  Result<engine::PostProcessResult> r = pp.PostProcess(ctx_, input);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_TRUE(r->keep_input);
  EXPECT_TRUE(r->force_keep);
  EXPECT_EQ(r->artifact->builder_id(), "packer.post-processor.checksum");
  EXPECT_EQ(r->artifact->files(),
            (std::vector<std::string>{a, b, Path("sums/web_file_sha256.sum"), Path("sums/web_file_md5.sum")}));
  EXPECT_EQ(Read(Path("sums/web_file_sha256.sum")),
            "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447\ta.txt\n"
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\tb.txt\n");
  EXPECT_EQ(Read(Path("sums/web_file_md5.sum")),
            "6f5902ac237024bdd0c176cb93063dc4\ta.txt\n900150983cd24fb0d6963f7d28e17f72\tb.txt\n");
}

TEST_F(ChecksumTest, AppendsToAnExistingFileAsPackerDoes) {
  std::string a = Write("a.txt", "abc");
  Write("a.sum", "old line\n");
  FilesArtifact input("packer.file", {a});
  ChecksumPostProcessor pp(Prepare(DecodeOk(R"({"output": ")" + Path("a.sum") + R"("})", Options())));
  ASSERT_TRUE(pp.PostProcess(ctx_, input));
  EXPECT_EQ(Read(Path("a.sum")), "old line\n900150983cd24fb0d6963f7d28e17f72\ta.txt\n");
}

TEST_F(ChecksumTest, StreamsAFileBiggerThanItsBuffer) {
  std::string big(3 * (1 << 20) + 5, 'x');
  std::string f = Write("big.bin", big);
  // sha256 of 3 MiB + 5 'x' bytes, computed by sha256sum.
  Result<std::string> h = HashFile(f, "sha256");
  ASSERT_TRUE(h);
  std::string expected = [&] {
    FILE* p = ::popen(("sha256sum '" + f + "'").c_str(), "r");
    char buf[65] = {};
    if (p) {
      (void)std::fread(buf, 1, 64, p);
      ::pclose(p);
    }
    return std::string(buf);
  }();
  EXPECT_EQ(*h, expected);
}

TEST_F(ChecksumTest, MissingInputFileIsAnErrorNamingIt) {
  FilesArtifact input("packer.file", {Path("gone.txt")});
  ChecksumPostProcessor pp(Prepare(DecodeOk(R"({"output": ")" + Path("x.sum") + R"("})", Options())));
  Result<engine::PostProcessResult> r = pp.PostProcess(ctx_, input);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "unable to open file " + Path("gone.txt"));
}

TEST_F(ChecksumTest, BadOptionsArePositionedErrors) {
  Diagnostics diags;
  Decode("{\n  \"checksum_types\": [\"sha256\", \"crc32\"],\n  \"output\": \"{{.BuildName\"\n}", Options(), diags);
  std::string m = Messages(diags);
  EXPECT_NE(m.find("template.json:2:32: unknown checksum type 'crc32': use one of md5, sha1, sha224, sha256, "
                   "sha384, sha512"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("template.json:3:13: output is not a valid template"), std::string::npos) << m;
}

TEST_F(ChecksumTest, UnknownFieldInOutputFailsAtRunTime) {
  std::string a = Write("a.txt", "abc");
  FilesArtifact input("packer.file", {a});
  ChecksumPostProcessor pp(Prepare(DecodeOk(R"({"output": "{{.Nope}}.sum"})", Options())));
  Result<engine::PostProcessResult> r = pp.PostProcess(ctx_, input);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().summary.find("cannot render output '{{.Nope}}.sum'"), std::string::npos) << r.error().Message();
}

}  // namespace
}  // namespace kiln::postprocessors::checksum
