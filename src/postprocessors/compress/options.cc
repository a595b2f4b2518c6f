#include "postprocessors/compress/options.h"

#include <fmt/format.h>

#include "postprocessors/common/render.h"
#include "postprocessors/compress/format.h"
#include "postprocessors/compress/post_processor.h"

namespace kiln::postprocessors::compress {
namespace {

void Check(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  CheckDeferredTemplate(c, "output", diags);
  std::string output = c.Given("output") ? c.String("output") : "packer_{{.BuildName}}_{{.BuilderType}}";
  if (Result<Format> f = DetectFormat(output, c.String("format")); !f)
    diags.push_back(MakeError(c.At(c.Given("format") ? "format" : "output"), f.error().summary, f.error().detail));
  const nlohmann::json& level = c["compression_level"];
  if (level.is_number_integer() && level.get<long long>() < -1)
    diags.push_back(MakeError(c.At("compression_level"),
                              fmt::format("compression_level {} is out of range", level.get<long long>()),
                              "use an integer from -1 to 9 (-1 and 0 mean the default, 6)"));
  if (level.is_number_integer() && level.get<long long>() > 9) {
    Error warning = MakeError(c.At("compression_level"),
                              fmt::format("compression_level {} is above 9: 9 is used", level.get<long long>()),
                              "use an integer from -1 to 9");
    warning.warning = true;
    diags.push_back(std::move(warning));
  }
}

}  // namespace

const tmpl::Schema& Options() {
  using enum tmpl::OptionKind;
  static const tmpl::Schema schema = {
      .type = "compress",
      .options = {
          {.name = "output", .default_value = "packer_{{.BuildName}}_{{.BuilderType}}", .deferred = true},
          {.name = "format"},
          {.name = "compression_level", .kind = kInt, .default_value = 6},
      },
      .check = Check,
      .prepare = tmpl::PrepareCheck(&Prepare),
  };
  return schema;
}

}  // namespace kiln::postprocessors::compress
