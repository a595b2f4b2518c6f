#include "clients/docker/credentials.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/subprocess.h"

namespace kiln::clients::docker {
namespace {

namespace fs = std::filesystem;

fs::path ConfigDir(const CredentialLookup& lookup) {
  if (!lookup.config_dir.empty()) return lookup.config_dir;
  if (const char* dir = std::getenv("DOCKER_CONFIG"); dir && *dir) return dir;
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/root") / ".docker";
}

Error IdentityTokenError(std::string_view registry) {
  return MakeError(fmt::format("the docker configuration holds an identity token for {}", registry),
                   "kiln cannot push with identity tokens yet; set login, login_username and login_password");
}

// "https://host:5000/v2/" -> "host:5000", as the CLI compares auths keys.
std::string Hostname(std::string_view key) {
  for (std::string_view scheme : {"http://", "https://"})
    if (key.starts_with(scheme)) key.remove_prefix(scheme.size());
  return std::string(key.substr(0, key.find('/')));
}

// Runs `docker-credential-<helper> get` with `server` on its stdin.
Result<std::optional<RegistryAuth>> FromHelper(const std::string& helper, std::string_view registry,
                                               const CredentialLookup& lookup, const CancelToken* cancel) {
  std::string program = "docker-credential-" + helper;
  // The helper reads the server from stdin; Subprocess gives /dev/null, so a
  // shell pipes it in. Server and program are arguments, never shell text.
  Result<Subprocess> p = Subprocess::Start(
      {.argv = {"/bin/sh", "-c", "printf '%s\\n' \"$1\" | exec \"$2\" get", "sh", std::string(registry), program},
       .env = lookup.helper_env});
  if (!p) return std::unexpected(MakeError(fmt::format("{} get", program), p.error().Message()));
  std::string out, err;
  Result<int> status = p->Wait(
      cancel, [&](std::string_view line) { out.append(line).append("\n"); },
      [&](std::string_view line) { err.append(line).append("\n"); });
  if (!status) return std::unexpected(MakeError(fmt::format("{} get", program), status.error().Message()));
  auto trim = [](std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
    return s;
  };
  if (*status != 0) {
    // Helpers say this on stdout for a registry they hold nothing for.
    if (out.find("credentials not found") != std::string::npos) return std::nullopt;
    std::string why = trim(err.empty() ? out : err);
    if (*status == 127) why = fmt::format("{} is not installed (config.json names it as credential helper)", program);
    return std::unexpected(MakeError(fmt::format("{} get for {}: exit {}", program, registry, *status), why));
  }
  nlohmann::json j = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object())
    return std::unexpected(MakeError(fmt::format("{} get for {}", program, registry),
                                     "its answer is not the JSON object a credential helper prints"));
  auto str = [&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  RegistryAuth auth{.username = str("Username"), .password = str("Secret"), .server = std::string(registry)};
  if (auth.username == "<token>")  // an identity token: not supported yet (see the header)
    return std::unexpected(IdentityTokenError(registry));
  if (auth.username.empty() && auth.password.empty()) return std::nullopt;
  return auth;
}

Result<std::optional<RegistryAuth>> FromAuths(const nlohmann::json& auths, std::string_view registry,
                                              const fs::path& file) {
  if (!auths.is_object()) return std::nullopt;
  const nlohmann::json* entry = nullptr;
  if (auto it = auths.find(std::string(registry)); it != auths.end()) entry = &*it;
  for (auto it = auths.begin(); !entry && it != auths.end(); ++it)
    if (Hostname(it.key()) == Hostname(registry)) entry = &it.value();
  if (!entry || !entry->is_object()) return std::nullopt;
  auto str = [&](const char* key) {
    auto it = entry->find(key);
    return it != entry->end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (!str("identitytoken").empty()) return std::unexpected(IdentityTokenError(registry));
  RegistryAuth auth{.username = str("username"), .password = str("password"), .server = std::string(registry)};
  if (std::string encoded = str("auth"); !encoded.empty()) {
    std::optional<std::string> decoded = Base64Decode(encoded);
    size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos)
      return std::unexpected(MakeError(fmt::format("{}: the \"auth\" entry for {} is not base64 of user:password",
                                                   file.string(), registry),
                                       "log in again with docker login, or fix the entry"));
    auth.username = decoded->substr(0, colon);
    auth.password = decoded->substr(colon + 1);
  }
  if (auth.username.empty() && auth.password.empty()) return std::nullopt;
  return auth;
}

}  // namespace

std::string RegistryOf(std::string_view repository) {
  size_t slash = repository.find('/');
  if (slash == std::string_view::npos) return std::string(kDockerHubServer);
  std::string_view first = repository.substr(0, slash);
  bool is_host = first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
                 first == "localhost";
  if (!is_host || first == "docker.io" || first == "index.docker.io") return std::string(kDockerHubServer);
  return std::string(first);
}

Result<std::optional<RegistryAuth>> FindCredentials(std::string_view registry, const CredentialLookup& lookup,
                                                    const CancelToken* cancel) {
  fs::path file = ConfigDir(lookup) / "config.json";
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;  // no config: no credentials
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json config = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!config.is_object())
    return std::unexpected(MakeError(fmt::format("{} is not a JSON object", file.string()),
                                     "fix or remove it; the docker CLI cannot read it either"));
  std::string host = Hostname(registry);
  if (auto helpers = config.find("credHelpers"); helpers != config.end() && helpers->is_object())
    for (auto it = helpers->begin(); it != helpers->end(); ++it)
      if (Hostname(it.key()) == host && it->is_string() && !it->get<std::string>().empty())
        return FromHelper(it->get<std::string>(), registry, lookup, cancel);
  if (auto store = config.find("credsStore"); store != config.end() && store->is_string() &&
                                              !store->get<std::string>().empty())
    return FromHelper(store->get<std::string>(), registry, lookup, cancel);
  if (auto auths = config.find("auths"); auths != config.end()) return FromAuths(*auths, registry, file);
  return std::nullopt;
}

}  // namespace kiln::clients::docker
