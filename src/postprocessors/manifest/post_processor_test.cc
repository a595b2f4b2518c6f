#include "postprocessors/manifest/post_processor.h"

#include <gtest/gtest.h>

#include <chrono>

#include "postprocessors/common/artifacts.h"
#include "postprocessors/common/test_support.h"
#include "postprocessors/manifest/go_json.h"
#include "postprocessors/manifest/options.h"

namespace kiln::postprocessors::manifest {
namespace {

using testing::PostProcessorTest;
using ManifestTest = PostProcessorTest;

// An artifact with an id, like the file builder's.
class IdArtifact : public FilesArtifact {
 public:
  IdArtifact(std::string id, std::vector<std::string> files) : FilesArtifact("packer.file", std::move(files)), id_(std::move(id)) {}
  std::string id() const override { return id_; }

 private:
  std::string id_;
};

TEST(GoJson, QuotesStringsAsGosEncoder) {
  EXPECT_EQ(GoQuote("a\"b\\c\n\r\t"), R"("a\"b\\c\n\r\t")");
  EXPECT_EQ(GoQuote("<a href=x&y>"), R"("\u003ca href=x\u0026y\u003e")");
  EXPECT_EQ(GoQuote(std::string("\x01\x1f\b\f", 4)), R"("\u0001\u001f\u0008\u000c")");
  EXPECT_EQ(GoQuote("\xE2\x80\xA8 \xE2\x80\xA9 \xC3\xA9 \xF0\x9F\x98\x80"), "\"\\u2028 \\u2029 \xC3\xA9 \xF0\x9F\x98\x80\"");
  EXPECT_EQ(GoQuote("bad \xff \xC3"), R"("bad \ufffd \ufffd")");
}

TEST(GoJson, IndentsAsMarshalIndent) {
  nlohmann::ordered_json v = {{"b", nlohmann::ordered_json::array()}, {"a", nlohmann::ordered_json::object()},
                              {"n", nullptr}, {"l", {1, "x"}}};
  EXPECT_EQ(GoMarshalIndent(v), "{\n  \"b\": [],\n  \"a\": {},\n  \"n\": null,\n  \"l\": [\n    1,\n    \"x\"\n  ]\n}");
}

// The bytes Packer 1.6.6 wrote for the same builds (file builder f1 with
// out/a.txt of 12 bytes, strip_time, custom_data {"z": "\u2028é\t\u0001",
// "a": ""}; then a null build n1), its run UUID replaced by ours.
constexpr std::string_view kPackerManifest = R"({
  "builds": [
    {
      "name": "f1",
      "builder_type": "file",
      "files": [
        {
          "name": "out/a.txt",
          "size": 12
        }
      ],
      "artifact_id": "File",
      "packer_run_uuid": "11111111-2222-3333-4444-555555555555",
      "custom_data": {
        "a": "",
        "z": "\u2028é\t\u0001"
      }
    },
    {
      "name": "n1",
      "builder_type": "null",
      "files": null,
      "artifact_id": "Null",
      "packer_run_uuid": "11111111-2222-3333-4444-555555555555",
      "custom_data": {
        "a": "",
        "z": "\u2028é\t\u0001"
      }
    }
  ],
  "last_run_uuid": "11111111-2222-3333-4444-555555555555"
})";

TEST_F(ManifestTest, SameBytesAsPacker) {
  Write("out/a.txt", "hello world\n");
  std::string out = Path("m.json");
  std::string options = R"({"output": ")" + out +
                        R"(", "strip_time": true, "custom_data": {"z": "\u2028é\t\u0001", "a": ""}})";
  ManifestPostProcessor pp(Prepare(DecodeOk(options, Options())));
  // The file builder's artifact as Packer names it, relative to the cwd.
  struct Cwd {
    std::filesystem::path saved = std::filesystem::current_path();
    ~Cwd() { std::filesystem::current_path(saved); }
  } restore;
  std::filesystem::current_path(dir_.path());
  ctx_.build_name = "f1";
  IdArtifact file("File", {"out/a.txt"});
  Result<engine::PostProcessResult> r = pp.PostProcess(ctx_, file);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_TRUE(r->keep_input);
  EXPECT_TRUE(r->force_keep);
  EXPECT_EQ(r->artifact->id(), "File");  // its input, passed on
  EXPECT_EQ(r->artifact->files(), std::vector<std::string>{"out/a.txt"});
  ctx_.build_name = "n1";
  ctx_.build_type = "null";
  IdArtifact null("Null", {});
  ASSERT_TRUE(pp.PostProcess(ctx_, null));
  EXPECT_EQ(Read(out), kPackerManifest);
  EXPECT_FALSE(std::filesystem::exists(out + ".lock"));
}

TEST_F(ManifestTest, AppendsAcrossRunsDroppingUnknownKeys) {
  std::string out = Write("m.json", R"({"builds":[{"name":"old","extra":1,"build_time":5}],"last_run_uuid":"x","other":2})");
  std::string a = Write("a.txt", "abc");
  ManifestPostProcessor pp(Prepare(DecodeOk(R"({"output": ")" + out + R"(", "strip_path": true})", Options())));
  IdArtifact file("File", {a});
  auto before = std::chrono::system_clock::now();
  ASSERT_TRUE(pp.PostProcess(ctx_, file));
  Result<Manifest> m = ParseManifest(Read(out), out);
  ASSERT_TRUE(m) << m.error().Message();
  ASSERT_EQ(m->builds.size(), 2u);
  EXPECT_EQ(m->builds[0].name, "old");
  EXPECT_EQ(m->builds[0].build_time, 5);
  EXPECT_FALSE(m->builds[0].files);
  const BuildRecord& b = m->builds[1];
  EXPECT_EQ(b.name, "web");
  EXPECT_EQ(b.builder_type, "file");
  EXPECT_EQ(b.artifact_id, "File");
  EXPECT_EQ(b.packer_run_uuid, ctx_.packer_run_uuid);
  ASSERT_TRUE(b.files);
  ASSERT_EQ(b.files->size(), 1u);
  EXPECT_EQ((*b.files)[0].name, "a.txt");
  EXPECT_EQ((*b.files)[0].size, 3);
  EXPECT_GE(b.build_time, std::chrono::duration_cast<std::chrono::seconds>(before.time_since_epoch()).count());
  EXPECT_FALSE(b.custom_data);
  EXPECT_EQ(m->last_run_uuid, ctx_.packer_run_uuid);
  EXPECT_EQ(Read(out).find("other"), std::string::npos);
  EXPECT_NE(Read(out).find("      \"build_time\": 5,\n"), std::string::npos);
}

TEST_F(ManifestTest, ForceStartsAfreshOnlyForAnotherRun) {
  std::string out = Write("m.json", R"({"builds":[{"name":"old"}],"last_run_uuid":"other-run"})");
  ManifestPostProcessor pp(Prepare(DecodeOk(R"({"output": ")" + out + R"("})", Options())));
  IdArtifact file("File", {});
  ctx_.force = true;
  ASSERT_TRUE(pp.PostProcess(ctx_, file));
  ASSERT_TRUE(pp.PostProcess(ctx_, file));  // same run: appended
  Result<Manifest> m = ParseManifest(Read(out), out);
  ASSERT_TRUE(m);
  ASSERT_EQ(m->builds.size(), 2u);
  EXPECT_EQ(m->builds[0].name, "web");
}

TEST_F(ManifestTest, CustomDataIsTemplated) {
  tmpl::DecodedConfig c = DecodeOk(R"({"output": "m.json", "custom_data": {"k": "{{user `v`}}!"}})",
                                   Options());
  Config config = Prepare(c);
  ASSERT_TRUE(config.custom_data);
  EXPECT_EQ(config.custom_data->at("k"), "from-var!");
}

TEST_F(ManifestTest, AnUnreadableManifestIsAnErrorAndIsLeftAlone) {
  std::string out = Write("m.json", "{not json");
  ManifestPostProcessor pp(Prepare(DecodeOk(R"({"output": ")" + out + R"("})", Options())));
  IdArtifact file("File", {});
  Result<engine::PostProcessResult> r = pp.PostProcess(ctx_, file);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "Unable to parse content from " + out);
  EXPECT_EQ(Read(out), "{not json");
  EXPECT_FALSE(std::filesystem::exists(out + ".lock"));
}

TEST_F(ManifestTest, BadOptionsArePositionedErrors) {
  Diagnostics diags;
  Decode("{\n  \"strip_path\": \"maybe\",\n  \"custom_data\": [1]\n}", Options(), diags);
  std::string m = Messages(diags);
  EXPECT_NE(m.find("template.json:2:17"), std::string::npos) << m;
  EXPECT_NE(m.find("template.json:3:18"), std::string::npos) << m;
}

}  // namespace
}  // namespace kiln::postprocessors::manifest
