// Registry credentials the way the docker CLI finds them, for pushes without
// an explicit login: config.json in $DOCKER_CONFIG (else ~/.docker) gives,
// in order of precedence,
//   credHelpers[registry] -> `docker-credential-<helper> get`
//   credsStore            -> `docker-credential-<store> get` (every registry)
//   auths[registry]       -> "auth" (base64 of user:password) or
//                            "username"/"password".
// Identity tokens (an "identitytoken" entry, a helper's "<token>" user) are
// not supported yet: an error says so.
// An auths key matches with or without scheme and path
// ("https://127.0.0.1:5000/v2/" matches "127.0.0.1:5000"). Docker Hub's key
// is "https://index.docker.io/v1/".
//
// Nothing found is not an error (nullopt): the push then goes out without
// credentials, as docker's does. A config.json that is not JSON, a helper
// that is missing or fails (other than "credentials not found") is an error
// naming the file or the helper, never a secret.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clients/docker/registry_auth.h"
#include "util/cancel.h"
#include "util/error.h"

namespace kiln::clients::docker {

inline constexpr std::string_view kDockerHubServer = "https://index.docker.io/v1/";

// The registry of an image repository, as the docker CLI splits it: the
// first path component when it has a '.' or ':' or is "localhost", else
// Docker Hub (kDockerHubServer). "127.0.0.1:5000/app" -> "127.0.0.1:5000".
std::string RegistryOf(std::string_view repository);

struct CredentialLookup {
  std::filesystem::path config_dir;  // empty: $DOCKER_CONFIG, else $HOME/.docker
  std::vector<std::string> helper_env;  // NAME=value set for credential helpers (tests: PATH)
};

// Credentials for `registry` (from RegistryOf); `server` in the result is
// `registry`.
Result<std::optional<RegistryAuth>> FindCredentials(std::string_view registry, const CredentialLookup& lookup = {},
                                                    const CancelToken* cancel = nullptr);

}  // namespace kiln::clients::docker
