#include "provisioners/file/options.h"

#include <fmt/format.h>

#include <sys/stat.h>

#include <filesystem>
#include <system_error>

#include "provisioners/file/provisioner.h"
#include "util/files.h"

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
  std::filesystem::file_status st = std::filesystem::status(text, ec);
  if (!std::filesystem::exists(st))
    diags.push_back(MakeError(c.At(at), fmt::format("source '{}' does not exist", text),
                              "relative paths start from the directory kiln runs in, not the template's; if an "
                              "earlier step creates the file, set \"generated\": true"));
  else if (!std::filesystem::is_regular_file(st) && !std::filesystem::is_directory(st)) {
    // Reading a FIFO would block the build; a device would never end.
    struct stat info {};
    std::string kind = ::stat(text.c_str(), &info) == 0 ? FileKind(info.st_mode) : "not a regular file";
    diags.push_back(MakeError(c.At(at), fmt::format("source '{}' is {}", text, kind),
                              "the file provisioner sends regular files and directories only"));
  }
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
      .prepare = tmpl::PrepareCheck(&Prepare),
  };
  return schema;
}

}  // namespace kiln::provisioners::file
