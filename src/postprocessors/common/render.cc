#include "postprocessors/common/render.h"

#include <fmt/format.h>

#include "interpolate/engine.h"

namespace kiln::postprocessors {

Result<std::string> RenderDeferred(std::string_view option, std::string_view text, const engine::BuildContext& ctx,
                                   const std::map<std::string, std::string>& fields) {
  interpolate::Context ic = ctx.interp;
  std::map<std::string, std::string> data;
  if (ic.build_values) data = *ic.build_values;
  data["BuildName"] = ctx.build_name;
  data["BuilderType"] = ctx.build_type;
  for (const auto& [k, v] : fields) data[k] = v;
  ic.data = std::move(data);
  Result<std::string> rendered = interpolate::Render(text, ic);
  if (!rendered)
    return std::unexpected(MakeError(fmt::format("cannot render {} '{}': {}", option, text, rendered.error().summary),
                                     rendered.error().detail));
  return rendered;
}

void CheckDeferredTemplate(const tmpl::DecodedConfig& c, std::string_view option, Diagnostics& diags) {
  const nlohmann::json& v = c[option];
  if (!v.is_string()) return;
  if (std::optional<Error> e = interpolate::Check(v.get_ref<const std::string&>()))
    diags.push_back(MakeError(c.At(option), fmt::format("{} is not a valid template: {}", option, e->summary),
                              e->detail));
}

}  // namespace kiln::postprocessors
