#include "builders/amazon_ebs/artifact.h"

#include <fmt/format.h>

#include "builders/amazon_ebs/deregister.h"

namespace kiln::builders::amazon_ebs {

std::string Artifact::id() const {
  std::string out;
  for (const auto& [region, ami] : amis_) out += (out.empty() ? "" : ",") + region + ":" + ami;
  return out;
}

std::string Artifact::Describe() const {
  std::string out = "AMIs were created:";
  for (const auto& [region, ami] : amis_) out += fmt::format("\n{}: {}", region, ami);
  return out;
}

nlohmann::json Artifact::State(const std::string& key) const {
  if (key == "amis") return amis_;
  return nullptr;
}

Result<void> Artifact::Destroy() {
  CancelToken never;
  std::string failures;
  for (const auto& [region, ami] : amis_) {
    clients::aws::ApiResult<clients::aws::Xml> r =
        ec2_.ForRegion(region).Call("DeregisterImage", {{"ImageId", ami}}, never);
    if (!r) failures += fmt::format("{} in {}: {}; ", ami, region, r.error().ToError().Message());
  }
  if (!failures.empty()) return std::unexpected(MakeError("could not deregister AMIs", failures));
  return {};
}

}  // namespace kiln::builders::amazon_ebs
