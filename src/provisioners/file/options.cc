#include "provisioners/file/options.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

namespace kiln::provisioners::file {
namespace {

using enum tmpl::OptionKind;

// An upload's source must exist (a file or a directory), relative to the
// working directory as in Packer. Paths still holding an action are
// rendered later, so are left alone.
void CheckSource(const tmpl::DecodedConfig& c, const nlohmann::json& path, const std::string& at, Diagnostics& diags) {
  if (!path.is_string()) return;
  const std::string& text = path.get_ref<const std::string&>();
  if (text.find("{{") != std::string::npos) return;
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::status(text, ec)))
    diags.push_back(MakeError(c.At(at), fmt::format("source '{}' does not exist", text),
                              "relative paths start from the directory kiln runs in, not the template's; if an "
                              "earlier step creates the file, set \"generated\": true"));
}

void Check(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  const nlohmann::json& direction = c["direction"];
  if (direction != "upload" && direction != "download")
    diags.push_back(MakeError(c.At("direction"),
                              fmt::format("unknown direction '{}'",
                                          direction.is_string() ? direction.get<std::string>() : ""),
                              "use upload (to the machine) or download (from it)"));

  // source and sources may be combined (source is added to sources); content
  // replaces both.
  bool sources = c.Given("source") || c.Given("sources");
  if (!sources && !c.Given("content"))
    diags.push_back(MakeError(c.where, "exactly one of source(s) or content must be set",
                              "set source to a file or directory to copy (or sources to several), or content to "
                              "the text to write"));
  if (sources && c.Given("content"))
    diags.push_back(MakeError(c.where, "exactly one of source(s) or content must be set",
                              "content is set with source or sources; keep one"));

  if (direction == "upload" && !c.Given("generated")) {
    if (c.Given("source")) CheckSource(c, c["source"], "source", diags);
    if (c.Given("sources")) {
      const nlohmann::json& list = c["sources"];
      for (std::size_t i = 0; i < list.size(); ++i) CheckSource(c, list[i], fmt::format("sources[{}]", i), diags);
    }
  }
}

}  // namespace

const tmpl::Schema& Options() {
  static const tmpl::Schema schema = {
      .type = "file",
      .options = {
          {.name = "source"},
          {.name = "sources", .kind = kStringList},
          {.name = "content"},
          {.name = "destination", .required = true},
          {.name = "direction", .default_value = "upload"},
          {.name = "generated", .kind = kBool},
      },
      .check = Check,
  };
  return schema;
}

}  // namespace kiln::provisioners::file
