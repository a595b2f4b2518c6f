#include "postprocessors/checksum/options.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>

#include "postprocessors/common/render.h"

namespace kiln::postprocessors::checksum {
namespace {

using enum tmpl::OptionKind;

constexpr std::array<std::string_view, 6> kTypes = {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"};

void Check(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  const nlohmann::json& types = c["checksum_types"];
  for (std::size_t i = 0; types.is_array() && i < types.size(); ++i) {
    std::string name = types[i].is_string() ? types[i].get<std::string>() : std::string();
    if (std::ranges::find(kTypes, name) == kTypes.end())
      diags.push_back(MakeError(c.At(fmt::format("checksum_types[{}]", i)),
                                fmt::format("unknown checksum type '{}'", name),
                                fmt::format("use one of {}", fmt::join(kTypes, ", "))));
  }
  CheckDeferredTemplate(c, "output", diags);
}

}  // namespace

const tmpl::Schema& Options() {
  static const tmpl::Schema schema = {
      .type = "checksum",
      .options = {
          {.name = "checksum_types", .kind = kStringList, .default_value = nlohmann::json::array({"md5"})},
          {.name = "output",
           .default_value = "packer_{{.BuildName}}_{{.BuilderType}}_{{.ChecksumType}}.checksum",
           .deferred = true},
      },
      .check = Check,
  };
  return schema;
}

}  // namespace kiln::postprocessors::checksum
