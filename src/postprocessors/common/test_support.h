// For the post-processors' unit tests: a build context whose Ui output is
// captured, options decoded from JSON text as a template gives them, and a
// temporary working directory.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "engine/build_context.h"
#include "json/value.h"
#include "template/decode.h"
#include "ui/captured_output.h"
#include "ui/ui.h"
#include "util/cancel.h"
#include "util/temp_dir.h"

namespace kiln::postprocessors::testing {

class PostProcessorTest : public ::testing::Test {
 protected:
  PostProcessorTest() : ui_(captured_.output(), ui::UiOptions{}, "web") {
    Result<TempDir> d = TempDir::Create("kiln-pp-test-");
    EXPECT_TRUE(d) << d.error().Message();
    dir_ = std::move(*d);
    ctx_.build_name = "web";
    ctx_.build_type = "file";
    ctx_.ui = &ui_;
    ctx_.cancel = &cancel_;
    ctx_.packer_run_uuid = "11111111-2222-3333-4444-555555555555";
    ctx_.interp.build_name = "web";
    ctx_.interp.build_type = "file";
    ctx_.interp.build_values.emplace();
  }

  // Decodes `text` against `schema`; `diags` gets what validate would print.
  tmpl::DecodedConfig Decode(const std::string& text, const tmpl::Schema& schema, Diagnostics& diags) {
    Result<json::Value> v = json::Parse(text, "template.json");
    EXPECT_TRUE(v) << v.error().Message();
    interpolate::Context ic;
    ic.user_vars = {{"v", "from-var"}};
    return tmpl::Decode(*v, schema, ic, "post-processor", diags);
  }
  // Decodes and fails the test on any diagnostic.
  tmpl::DecodedConfig DecodeOk(const std::string& text, const tmpl::Schema& schema) {
    Diagnostics diags;
    tmpl::DecodedConfig c = Decode(text, schema, diags);
    for (const Error& e : diags) ADD_FAILURE() << e.Message();
    return c;
  }
  // The messages of `diags`, one per line.
  static std::string Messages(const Diagnostics& diags) {
    std::string s;
    for (const Error& e : diags) s += e.Message() + "\n";
    return s;
  }

  std::string Path(const std::string& name) const { return (dir_.path() / name).string(); }
  std::string Write(const std::string& name, const std::string& content) const {
    std::filesystem::create_directories(std::filesystem::path(Path(name)).parent_path());
    std::ofstream(Path(name), std::ios::binary) << content;
    return Path(name);
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  ui::CapturedOutput captured_;
  ui::Ui ui_;
  CancelToken cancel_;
  engine::BuildContext ctx_;
  TempDir dir_;
};

}  // namespace kiln::postprocessors::testing
