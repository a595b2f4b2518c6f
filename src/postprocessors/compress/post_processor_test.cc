#include "postprocessors/compress/post_processor.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include "postprocessors/common/artifacts.h"
#include "postprocessors/common/test_support.h"
#include "postprocessors/compress/options.h"

namespace kiln::postprocessors::compress {
namespace {

using testing::PostProcessorTest;
using CompressTest = PostProcessorTest;

std::string Sh(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
  ::pclose(p);
  return out;
}

TEST(CompressFormat, ReadFromTheExtensionsAsPackerReadsThem) {
  auto is = [](std::string_view out, std::string_view fmt, Archive a, Filter f) {
    Result<Format> r = DetectFormat(out, fmt);
    return r && r->archive == a && r->filter == f;
  };
  EXPECT_TRUE(is("packer_{{.BuildName}}_{{.BuilderType}}", "", Archive::kTar, Filter::kGzip));
  EXPECT_TRUE(is("x.tar.gz", "", Archive::kTar, Filter::kGzip));
  EXPECT_TRUE(is("x.tgz", "", Archive::kTar, Filter::kGzip));
  EXPECT_TRUE(is("x.zip", "", Archive::kZip, Filter::kNone));
  EXPECT_TRUE(is("x.tar", "", Archive::kTar, Filter::kNone));
  EXPECT_TRUE(is("x.tar.zst", "", Archive::kTar, Filter::kZstd));
  EXPECT_TRUE(is("x.tar.xz", "", Archive::kTar, Filter::kXz));
  EXPECT_TRUE(is("x.tar.bz2", "", Archive::kTar, Filter::kBzip2));
  EXPECT_TRUE(is("x.tar.lz4", "", Archive::kTar, Filter::kLz4));
  EXPECT_TRUE(is("x.img.gz", "", Archive::kNone, Filter::kGzip));
  EXPECT_TRUE(is("x.xz", "", Archive::kNone, Filter::kXz));
  EXPECT_TRUE(is("x.rar", "", Archive::kTar, Filter::kGzip));  // unknown: Packer's default
  EXPECT_TRUE(is("out/x", "tar.xz", Archive::kTar, Filter::kXz));
  EXPECT_TRUE(is("out/x", "zip", Archive::kZip, Filter::kNone));
  EXPECT_FALSE(DetectFormat("x.bgzf", ""));
}

TEST_F(CompressTest, DefaultOutputIsATarGzNamedAfterTheBuild) {
  std::string a = Write("in/a.txt", "alpha\n");
  std::string b = Write("in/b.txt", "beta\n");
  FilesArtifact input("packer.file", {a, b});
  // The default output is relative: run where the files are, then go back.
  struct Cwd {
    std::filesystem::path saved = std::filesystem::current_path();
    ~Cwd() { std::filesystem::current_path(saved); }
  } restore;
  std::filesystem::current_path(dir_.path());
  CompressPostProcessor pp(*Prepare(DecodeOk("{}", Options())));
  Result<engine::PostProcessResult> r = pp.PostProcess(ctx_, input);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_FALSE(r->keep_input);
  EXPECT_FALSE(r->force_keep);
  EXPECT_EQ(r->artifact->builder_id(), "packer.post-processor.compress");
  EXPECT_EQ(r->artifact->files(), std::vector<std::string>{"packer_web_file"});
  EXPECT_EQ(r->artifact->Describe(), "compressed artifacts in: packer_web_file");
  EXPECT_EQ(Sh("gzip -t packer_web_file && tar tzf packer_web_file"), "a.txt\nb.txt\n");
  EXPECT_NE(captured_.out().find("==> web: Tarring packer_web_file with gzip"), std::string::npos);
  ASSERT_TRUE(r->artifact->Destroy());
  EXPECT_FALSE(std::filesystem::exists(Path("packer_web_file")));
}

TEST_F(CompressTest, EveryArchiveFormatRoundTrips) {
  std::string a = Write("in/a.txt", "alpha\n");
  std::string b = Write("in/b.txt", std::string(100000, 'b'));
  FilesArtifact input("packer.file", {a, b});
  struct Case {
    std::string name, list;
  };
  for (const Case& c : {Case{"x.tar.gz", "tar tzf"}, Case{"x.tar.xz", "tar tJf"}, Case{"x.tar.bz2", "tar tjf"},
                        Case{"x.tar.zst", "tar --zstd -tf"}, Case{"x.tar", "tar tf"}, Case{"x.zip", "unzip -Z1"},
                        Case{"x.tar.lz4", "lz4 -dc < {} | tar tf -"}}) {
    std::string out = Path("arch/" + c.name);
    CompressPostProcessor pp(*Prepare(DecodeOk(R"({"output": ")" + out + R"("})", Options())));
    Result<engine::PostProcessResult> r = pp.PostProcess(ctx_, input);
    ASSERT_TRUE(r) << c.name << ": " << r.error().Message();
    std::string cmd = c.list.find("{}") != std::string::npos
                          ? std::string(c.list).replace(c.list.find("{}"), 2, "'" + out + "'")
                          : c.list + " '" + out + "'";
    if (c.name == "x.tar.lz4" && Sh("command -v lz4").empty()) continue;  // no lz4 tool to check with
    std::string expected = c.name == "x.zip" ? (a.substr(1) + "\n" + b.substr(1) + "\n") : "a.txt\nb.txt\n";
    EXPECT_EQ(Sh(cmd), expected) << c.name;
  }
}

TEST_F(CompressTest, SingleFileCompressionAndExtraction) {
  std::string big(5 * (1 << 20) + 3, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) % 251);
  std::string disk = Write("disk.raw", big);
  FilesArtifact input("packer.file", {disk});
  for (std::string ext : {"gz", "xz", "zst", "bz2"}) {
    std::string out = Path("disk.raw." + ext);
    CompressPostProcessor pp(
        *Prepare(DecodeOk(R"({"output": ")" + out + R"(", "compression_level": 1})", Options())));
    Result<engine::PostProcessResult> r = pp.PostProcess(ctx_, input);
    ASSERT_TRUE(r) << ext << ": " << r.error().Message();
    std::string tool = ext == "gz" ? "gzip" : ext == "xz" ? "xz" : ext == "zst" ? "zstd" : "bzip2";
    EXPECT_EQ(Sh(tool + " -dc '" + out + "' | cmp - '" + disk + "' && echo same"), "same\n") << ext;
  }
}

TEST_F(CompressTest, SingleFileFormatRefusesSeveralFiles) {
  FilesArtifact input("packer.file", {Write("a", "1"), Write("b", "2")});
  CompressPostProcessor pp(*Prepare(DecodeOk(R"({"output": ")" + Path("x.gz") + R"("})", Options())));
  Result<engine::PostProcessResult> r = pp.PostProcess(ctx_, input);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().summary.find("Can only have 1 input file when not using tar/zip. Found 2 files"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(Path("x.gz")));
}

TEST_F(CompressTest, AMissingInputLeavesNoPartialArchive) {
  FilesArtifact input("packer.file", {Write("a", "1"), Path("missing")});
  CompressPostProcessor pp(*Prepare(DecodeOk(R"({"output": ")" + Path("x.tar.gz") + R"("})", Options())));
  Result<engine::PostProcessResult> r = pp.PostProcess(ctx_, input);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "Unable to read file " + Path("missing"));
  EXPECT_FALSE(std::filesystem::exists(Path("x.tar.gz")));
}

TEST_F(CompressTest, CancelStopsAndRemovesTheArchive) {
  FilesArtifact input("packer.file", {Write("a", std::string(3 << 20, 'a'))});
  cancel_.Cancel();
  CompressPostProcessor pp(*Prepare(DecodeOk(R"({"output": ")" + Path("x.tar.gz") + R"("})", Options())));
  Result<engine::PostProcessResult> r = pp.PostProcess(ctx_, input);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().summary.find("cancelled"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(Path("x.tar.gz")));
}

TEST_F(CompressTest, CompressionLevelFollowsPackersRange) {
  EXPECT_EQ(Prepare(DecodeOk(R"({"compression_level": 0})", Options()))->level, 6);
  EXPECT_EQ(Prepare(DecodeOk(R"({"compression_level": -1})", Options()))->level, 6);
  EXPECT_EQ(Prepare(DecodeOk(R"({"compression_level": 3})", Options()))->level, 3);
  Diagnostics diags;
  tmpl::DecodedConfig c = Decode("{\n  \"compression_level\": 12\n}", Options(), diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_TRUE(diags[0].warning);
  EXPECT_EQ(diags[0].Message(), "template.json:2:24: compression_level 12 is above 9: 9 is used: use an integer from -1 to 9");
  EXPECT_EQ(Prepare(c)->level, 9);
}

TEST_F(CompressTest, BadOptionsArePositionedErrors) {
  Diagnostics diags;
  Decode("{\n  \"compression_level\": -5,\n  \"format\": \"bgzf\",\n  \"output\": \"{{.X\"\n}", Options(), diags);
  std::string m = Messages(diags);
  EXPECT_NE(m.find("template.json:2:24: compression_level -5 is out of range"), std::string::npos) << m;
  EXPECT_NE(m.find("template.json:3:13: kiln cannot write bgzf archives"), std::string::npos) << m;
  EXPECT_NE(m.find("template.json:4:13: output is not a valid template"), std::string::npos) << m;
  diags.clear();
  Decode(R"({"compression_level": "high"})", Options(), diags);
  EXPECT_NE(Messages(diags).find("compression_level"), std::string::npos) << Messages(diags);
}

}  // namespace
}  // namespace kiln::postprocessors::compress
