#include "clients/docker/reference.h"

namespace kiln::clients::docker {

std::string ImageRef::TagOrDigest() const {
  if (!digest.empty()) return digest;
  if (!tag.empty()) return tag;
  return "latest";
}

ImageRef ParseImageRef(std::string_view ref) {
  ImageRef out;
  if (size_t at = ref.find('@'); at != std::string_view::npos) {
    out.digest = ref.substr(at + 1);
    ref = ref.substr(0, at);
  }
  // A ':' before the last '/' belongs to a registry port, not a tag.
  size_t colon = ref.rfind(':');
  size_t slash = ref.rfind('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    out.tag = ref.substr(colon + 1);
    ref = ref.substr(0, colon);
  }
  out.repo = ref;
  return out;
}

}  // namespace kiln::clients::docker
