#include "builders/amazon_ebs/state.h"

#include <fmt/format.h>

namespace kiln::builders::amazon_ebs {

Result<std::string> State::Render(const std::string& text, const std::string& option) const {
  if (text.find("{{") == std::string::npos) return text;
  interpolate::Context render = ctx->interp;
  render.clean_resource_name_allowed = true;
  render.data = std::map<std::string, std::string>{
      {"BuildRegion", ec2 ? ec2->region() : config.region},
      {"SourceAMI", source_image.id},
      {"SourceAMIName", source_image.name},
      {"SourceAMIOwner", source_image.owner_id},
      {"SourceAMIOwnerName", source_image.owner_alias},
      {"SourceAMICreationDate", source_image.creation_date},
  };
  Result<std::string> r = interpolate::Render(text, render);
  if (!r) return std::unexpected(MakeError(fmt::format("{}: {}", option, r.error().summary), r.error().detail));
  return r;
}

Result<std::map<std::string, std::string>> State::RenderMap(const std::map<std::string, std::string>& m,
                                                           const std::string& option) const {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : m) {
    Result<std::string> key = Render(k, option);
    if (!key) return std::unexpected(key.error());
    Result<std::string> value = Render(v, fmt::format("{}.{}", option, k));
    if (!value) return std::unexpected(value.error());
    out[*key] = *value;
  }
  return out;
}

}  // namespace kiln::builders::amazon_ebs
