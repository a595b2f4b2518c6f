// Image references as the engine's pull/push endpoints want them split:
// "registry:5000/team/app:1.2" -> repo "registry:5000/team/app", tag "1.2".
#pragma once

#include <string>
#include <string_view>

namespace kiln::clients::docker {

struct ImageRef {
  std::string repo;    // everything before the tag or digest
  std::string tag;     // empty when the reference has none
  std::string digest;  // "sha256:…" after '@', empty when none

  // What to send as the `tag` query parameter: the digest, else the tag,
  // else "latest" (an empty tag would make the engine pull every tag).
  std::string TagOrDigest() const;
};

// No validation: the engine reports malformed references itself.
ImageRef ParseImageRef(std::string_view ref);

}  // namespace kiln::clients::docker
