#include "clients/aws/secret_lookup.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "clients/aws/credentials.h"
#include "clients/aws/secrets_manager_client.h"
#include "ui/output.h"

namespace kiln::clients::aws {
namespace {

std::string Trimmed(std::string s) {  // AWS messages end with '.'; ours are followed by one
  while (!s.empty() && (s.back() == '.' || s.back() == ' ' || s.back() == '\n')) s.pop_back();
  return s;
}

std::string KeyList(const nlohmann::json& object) {
  std::string out;
  for (const auto& [k, v] : object.items()) out += (out.empty() ? "\"" : ", \"") + k + "\"";
  return out;
}

std::string EnvOr(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

Error Fail(std::string message) { return MakeError(std::move(message)); }

// One read per secret per process: HCL may evaluate an expression more than
// once, and every read is a signed round trip.
struct Cache {
  std::mutex mu;
  std::map<std::string, SecretValue> values;  // "url region name"
};
Cache& TheCache() {
  static Cache cache;
  return cache;
}

Result<SecretValue> Fetch(std::string_view name) {
  std::string region = DefaultRegion("");
  if (region.empty()) {
    std::string profile = EnvOr("AWS_PROFILE", "default");
    std::string config = EnvOr("AWS_CONFIG_FILE", EnvOr("HOME", "/root") + "/.aws/config");
    return std::unexpected(Fail(fmt::format(
        "no AWS region to read secret \"{}\" from: set AWS_REGION or AWS_DEFAULT_REGION, or region in profile "
        "\"{}\" of {}",
        name, profile, config)));
  }
  CancelToken never;
  Result<Credentials> creds = ResolveCredentials({.template_keys = false}, never);
  if (!creds)
    return std::unexpected(Fail(fmt::format("no AWS credentials to read secret \"{}\" with: {}", name,
                                            creds.error().detail)));
  ui::Output::Process().AddSecret(creds->secret_access_key);
  if (!creds->session_token.empty()) ui::Output::Process().AddSecret(creds->session_token);

  SecretsManagerClient client(
      SecretsManagerOptions{.region = region, .endpoint = SecretsManagerEndpointFromEnv(), .creds = *creds});
  std::string cache_key = fmt::format("{} {} {}", client.Url(), region, name);
  {
    std::lock_guard lock(TheCache().mu);
    if (auto it = TheCache().values.find(cache_key); it != TheCache().values.end()) return it->second;
  }
  ApiResult<SecretValue> v = client.GetSecretValue(name, never);
  if (!v) {
    const ApiError& e = v.error();
    std::string where = fmt::format("AWS Secrets Manager at {} (region {})", client.Url(), region);
    if (e.code == "RequestError")
      return std::unexpected(
          Fail(fmt::format("could not reach {} to read secret \"{}\": {}", where, name, Trimmed(e.message))));
    if (e.code == "ResourceNotFoundException")
      return std::unexpected(Fail(fmt::format("secret \"{}\" not found in {}: {}: {}", name, where, e.code,
                                              Trimmed(e.message))));
    return std::unexpected(
        Fail(fmt::format("{} could not read secret \"{}\": {}: {}", where, name, e.code, Trimmed(e.message))));
  }
  std::lock_guard lock(TheCache().mu);
  TheCache().values[cache_key] = *v;
  return *v;
}

}  // namespace

Result<std::string> SelectSecretValue(std::string_view secret_name, std::string_view secret_string,
                                      std::string_view key) {
  nlohmann::json j = nlohmann::json::parse(secret_string, nullptr, false);
  if (!j.is_object()) {
    if (key.empty()) return std::string(secret_string);
    return std::unexpected(Fail(fmt::format(
        "secret \"{}\" is not a JSON object, so it has no key \"{}\": give an empty or null key to read the "
        "whole value",
        secret_name, key)));
  }
  nlohmann::json::const_iterator it;
  if (key.empty()) {
    if (j.size() != 1)
      return std::unexpected(Fail(
          j.empty() ? fmt::format("secret \"{}\" is an empty JSON object: it has no value to read", secret_name)
                    : fmt::format("secret \"{}\" has {} keys ({}) and no key was given: name the one to read",
                                  secret_name, j.size(), KeyList(j))));
    it = j.begin();
  } else {
    it = j.find(std::string(key));
    if (it == j.end())
      return std::unexpected(
          Fail(fmt::format("secret \"{}\" has no key \"{}\" (its keys: {})", secret_name, key, KeyList(j))));
  }
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_float()) {
    // 1e3 is 1000, as Packer prints it; fractions keep their digits.
    double d = it->get<double>();
    if (std::trunc(d) == d && std::fabs(d) < 1e15) return fmt::format("{:.0f}", d);
  }
  if (it->is_number()) return it->dump();
  std::string_view what = it->is_null() ? "null" : it->is_boolean() ? "a boolean" : it->is_array() ? "an array" : "an object";
  return std::unexpected(Fail(fmt::format("the value of key \"{}\" in secret \"{}\" is {}, not a string or a number",
                                          it.key(), secret_name, what)));
}

Result<std::string> ReadTemplateSecret(std::string_view name, std::optional<std::string_view> key) {
  if (name.empty()) return std::unexpected(Fail("a secret name must be given"));
  Result<SecretValue> v = Fetch(name);
  if (!v) return std::unexpected(v.error());
  if (!v->secret_string)
    return std::unexpected(Fail(fmt::format(
        "secret \"{}\" holds binary data (SecretBinary): only string secrets can be read", name)));
  const std::string& text = *v->secret_string;
  ui::Output& out = ui::Output::Process();
  if (!key) {
    out.AddSecret(text);
    // jsondecode(aws_secretsmanager_raw(...)) hands out the values one by one.
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_object())
      for (const auto& [k, value] : j.items())
        if (value.is_string()) out.AddSecret(value.get<std::string>());
    return text;
  }
  Result<std::string> value = SelectSecretValue(name, text, *key);
  if (value) out.AddSecret(*value);
  return value;
}

}  // namespace kiln::clients::aws
