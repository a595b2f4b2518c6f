// Registry credentials as the engine wants them: the X-Registry-Auth header
// (base64url of a JSON object) for pull/push, the JSON body for POST /auth.
// Also the base64 codec the archive endpoint's stat header needs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kiln::clients::docker {

struct RegistryAuth {
  std::string username;
  std::string password;
  std::string server;  // "registry.example.com:5000"; empty = Docker Hub
};

// {"username":…,"password":…,"serveraddress":…} (what POST /auth takes).
std::string AuthConfigJson(const RegistryAuth& auth);

// The X-Registry-Auth value: base64url (with padding, like Go's
// base64.URLEncoding) of AuthConfigJson, or of "{}" without credentials: the
// engine refuses a push that has no header at all.
std::string RegistryAuthHeader(const std::optional<RegistryAuth>& auth);

std::string Base64Encode(std::string_view bytes, bool url_safe = false);
// Accepts both alphabets, padding optional; nullopt on any other character.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace kiln::clients::docker
