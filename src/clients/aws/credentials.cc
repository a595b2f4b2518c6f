#include "clients/aws/credentials.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "clients/aws/http.h"

namespace kiln::clients::aws {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string Home() {
  std::string home = Env("HOME");
  return home.empty() ? "/root" : home;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string ProfileName(const CredentialOptions& o) {
  if (!o.profile.empty()) return o.profile;
  if (std::string p = Env("AWS_PROFILE"); !p.empty()) return p;
  return "default";
}

std::string ConfigPath() {
  std::string p = Env("AWS_CONFIG_FILE");
  return p.empty() ? Home() + "/.aws/config" : p;
}

std::optional<Credentials> FromIni(const IniFile& ini, const std::string& section, const std::string& source) {
  auto it = ini.find(section);
  if (it == ini.end()) return std::nullopt;
  auto get = [&](const char* key) {
    auto v = it->second.find(key);
    return v == it->second.end() ? std::string() : v->second;
  };
  if (get("aws_access_key_id").empty() || get("aws_secret_access_key").empty()) return std::nullopt;
  return Credentials{get("aws_access_key_id"), get("aws_secret_access_key"), get("aws_session_token"), source};
}

// IMDSv2: a session token by PUT, the role name, then the role's keys.
Result<Credentials> FromInstanceMetadata(const CancelToken& cancel) {
  std::string base = Env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (base.empty()) base = "http://169.254.169.254";
  while (base.ends_with("/")) base.pop_back();
  HttpCall put{.method = "PUT", .url = base + "/latest/api/token",
               .headers = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}}, .timeout_seconds = 2};
  Result<HttpReply> token = Send(put, cancel);
  if (!token || token->status != 200)
    return std::unexpected(MakeError("no EC2 instance metadata service answered at " + base));
  auto get = [&](const std::string& path) -> Result<std::string> {
    HttpCall call{.method = "GET", .url = base + path,
                  .headers = {{"X-aws-ec2-metadata-token", token->body}}, .timeout_seconds = 2};
    Result<HttpReply> r = Send(call, cancel);
    if (!r) return std::unexpected(r.error());
    if (r->status != 200) return std::unexpected(MakeError(fmt::format("GET {}: HTTP {}", path, r->status)));
    return r->body;
  };
  Result<std::string> role = get("/latest/meta-data/iam/security-credentials/");
  if (!role) return std::unexpected(role.error());
  std::string name = Trim(role->substr(0, role->find('\n')));
  Result<std::string> doc = get("/latest/meta-data/iam/security-credentials/" + name);
  if (!doc) return std::unexpected(doc.error());
  nlohmann::json j = nlohmann::json::parse(*doc, nullptr, false);
  if (!j.is_object() || !j.contains("AccessKeyId"))
    return std::unexpected(MakeError("the instance metadata service returned no credentials for role " + name));
  return Credentials{j.value("AccessKeyId", ""), j.value("SecretAccessKey", ""), j.value("Token", ""),
                     "instance role " + name};
}

}  // namespace

IniFile ParseIni(const std::string& text) {
  IniFile ini;
  std::istringstream in(text);
  std::string line, section;
  while (std::getline(in, line)) {
    line = Trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = Trim(line.substr(1, line.size() - 2));
      ini[section];
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string::npos || section.empty()) continue;
    ini[section][Trim(line.substr(0, eq))] = Trim(line.substr(eq + 1));
  }
  return ini;
}

Result<Credentials> ResolveCredentials(const CredentialOptions& o, const CancelToken& cancel) {
  if (!o.access_key.empty() && !o.secret_key.empty())
    return Credentials{o.access_key, o.secret_key, o.token, "the template's access_key"};

  if (!Env("AWS_ACCESS_KEY_ID").empty() && !Env("AWS_SECRET_ACCESS_KEY").empty())
    return Credentials{Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"), Env("AWS_SESSION_TOKEN"),
                       "the environment (AWS_ACCESS_KEY_ID)"};

  std::string profile = ProfileName(o);
  std::string cred_path = o.shared_credentials_file;
  if (cred_path.empty()) cred_path = Env("AWS_SHARED_CREDENTIALS_FILE");
  if (cred_path.empty()) cred_path = Home() + "/.aws/credentials";
  if (auto c = FromIni(ParseIni(ReadFile(cred_path)), profile, fmt::format("{} [{}]", cred_path, profile))) return *c;
  std::string section = profile == "default" ? "default" : "profile " + profile;
  if (auto c = FromIni(ParseIni(ReadFile(ConfigPath())), section, fmt::format("{} [{}]", ConfigPath(), section)))
    return *c;

  std::string tried = fmt::format(
      "looked in {}the environment (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), {} and {} (profile \"{}\")",
      o.template_keys ? "the template (access_key/secret_key), " : "", cred_path, ConfigPath(), profile);
  if (!o.skip_metadata_api_check && Env("AWS_EC2_METADATA_DISABLED") != "true") {
    Result<Credentials> imds = FromInstanceMetadata(cancel);
    if (imds) return imds;
    tried += ", and the EC2 instance metadata service (" + imds.error().Message() + ")";
  }
  return std::unexpected(MakeError("no AWS credentials found", tried));
}

std::string DefaultRegion(const std::string& profile_option) {
  if (std::string r = Env("AWS_REGION"); !r.empty()) return r;
  if (std::string r = Env("AWS_DEFAULT_REGION"); !r.empty()) return r;
  CredentialOptions o{.profile = profile_option};
  std::string profile = ProfileName(o);
  IniFile ini = ParseIni(ReadFile(ConfigPath()));
  auto it = ini.find(profile == "default" ? "default" : "profile " + profile);
  if (it == ini.end()) return {};
  auto r = it->second.find("region");
  return r == it->second.end() ? std::string() : r->second;
}

}  // namespace kiln::clients::aws
