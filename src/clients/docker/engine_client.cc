#include "clients/docker/engine_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "clients/docker/engine_internal.h"
#include "json/value.h"

namespace kiln::clients::docker {
namespace internal {

HttpRequest Request(std::string method, std::string_view path) {
  HttpRequest r;
  r.method = std::move(method);
  r.path = fmt::format("{}{}", kApiPrefix, path);
  return r;
}

HttpRequest JsonRequest(std::string method, std::string_view path, const nlohmann::json& body) {
  HttpRequest r = Request(std::move(method), path);
  r.headers.push_back("Content-Type: application/json");
  r.body = json::Dump(body);  // a -var value may hold any bytes
  return r;
}

std::string PathEscape(std::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c) || std::string_view("-._~/:@+").find(static_cast<char>(c)) != std::string_view::npos)
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string Short(std::string_view id) {
  std::string_view hex = id.starts_with("sha256:") ? id.substr(7) : id;
  bool is_id = hex.size() == 64 && std::ranges::all_of(hex, [](char c) { return std::isxdigit(c); });
  return std::string(is_id ? hex.substr(0, 12) : id);
}

Error Wrap(std::string summary, const Error& inner) { return MakeError(std::move(summary), inner.Message()); }

Error ApiError(std::string summary, const HttpResponse& response) {
  std::string message;
  nlohmann::json j = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_object()) message = Str(j, "message");
  if (message.empty()) {
    std::string_view body = response.body;
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.remove_suffix(1);
    message = body.substr(0, 2000);
  }
  if (message.empty()) {  // HEAD responses have no body
    switch (response.status) {
      case 400:
        message = "bad parameter";
        break;
      case 401:
        message = "unauthorized";
        break;
      case 403:
        message = "forbidden";
        break;
      case 404:
        message = "not found";
        break;
      case 409:
        message = "conflict";
        break;
      default:
        message = "engine error";
        break;
    }
  }
  return MakeError(std::move(summary), fmt::format("{}: {}", response.status, message));
}

Result<HttpResponse> Call(const HttpTransport& transport, const std::string& summary, HttpRequest request,
                          const CancelToken& cancel) {
  Result<HttpResponse> r = transport.Do(std::move(request), cancel);
  if (!r) return std::unexpected(Wrap(summary, r.error()));
  if (r->status >= 400) return std::unexpected(ApiError(summary, *r));
  return r;
}

Result<nlohmann::json> CallJson(const HttpTransport& transport, const std::string& summary, HttpRequest request) {
  Result<HttpResponse> r = Call(transport, summary, std::move(request));
  if (!r) return std::unexpected(r.error());
  nlohmann::json j = nlohmann::json::parse(r->body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return std::unexpected(MakeError(summary, fmt::format("the engine sent invalid JSON: {:.200}", r->body)));
  return j;
}

std::string Str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t Int(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

bool Bool(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

std::vector<std::string> Strings(const nlohmann::json& j, const char* key) {
  return OptStrings(j, key).value_or(std::vector<std::string>{});
}

std::optional<std::vector<std::string>> OptStrings(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const nlohmann::json& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::map<std::string, std::string> StringMap(const nlohmann::json& j, const char* key) {
  std::map<std::string, std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_object()) return out;
  for (auto& [k, v] : it->items())
    if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

std::vector<std::string> Keys(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_object()) return out;
  for (auto& [k, v] : it->items()) out.push_back(k);
  std::ranges::sort(out);
  return out;
}

ByteSink OstreamSink(std::ostream& out, std::string what) {
  return [&out, what = std::move(what)](std::string_view bytes) -> Result<void> {
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return std::unexpected(MakeError(fmt::format("cannot write {}", what)));
    return {};
  };
}

}  // namespace internal

using namespace internal;  // NOLINT: this file's own helpers

Result<EngineClient> EngineClient::FromEnv() {
  Result<Endpoint> ep = EndpointFromEnv();
  if (!ep) return std::unexpected(ep.error());
  return EngineClient(std::move(*ep));
}

Result<std::shared_ptr<DockerApi>> ConnectToEngine() {
  Result<EngineClient> client = EngineClient::FromEnv();
  if (!client) return std::unexpected(client.error());
  return std::make_shared<EngineClient>(std::move(*client));
}

Result<void> EngineClient::Ping() {
  Result<HttpResponse> r = Call(transport_, "docker ping", Request("GET", "/_ping"));
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<VersionInfo> EngineClient::Version() {
  Result<nlohmann::json> j = CallJson(transport_, "docker version", Request("GET", "/version"));
  if (!j) return std::unexpected(j.error());
  return VersionInfo{.version = Str(*j, "Version"),
                     .api_version = Str(*j, "ApiVersion"),
                     .min_api_version = Str(*j, "MinAPIVersion"),
                     .os = Str(*j, "Os"),
                     .arch = Str(*j, "Arch"),
                     .kernel_version = Str(*j, "KernelVersion")};
}

Result<LoginResult> EngineClient::Login(const RegistryAuth& auth) {
  std::string summary = fmt::format("docker login {}", auth.server.empty() ? "(Docker Hub)" : auth.server);
  HttpRequest request = Request("POST", "/auth");
  request.headers.push_back("Content-Type: application/json");
  request.body = AuthConfigJson(auth);
  Result<nlohmann::json> j = CallJson(transport_, summary, std::move(request));
  if (!j) return std::unexpected(j.error());
  return LoginResult{.status = Str(*j, "Status"), .identity_token = Str(*j, "IdentityToken")};
}

}  // namespace kiln::clients::docker
