// Shared by the engine_*.cc files: request building, error wrapping, JSON
// helpers. Not part of the client's interface.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "clients/docker/docker_api.h"
#include "clients/docker/http_transport.h"

namespace kiln::clients::docker::internal {

// The engine here is Docker 20.10; pinning the version keeps the request and
// response shapes fixed even on newer engines.
inline constexpr std::string_view kApiPrefix = "/v1.41";

// A request for `path` under the API prefix.
HttpRequest Request(std::string method, std::string_view path);
HttpRequest JsonRequest(std::string method, std::string_view path, const nlohmann::json& body);

// Escapes a name for a URL path, keeping '/', ':' and '@' (image names).
std::string PathEscape(std::string_view name);
// A 64-hex id (or "sha256:" + one) shortened to 12 characters, as docker
// prints them; names are left alone.
std::string Short(std::string_view id);

// {summary, inner.Message()}: "docker start 3f2a…: cannot connect to …".
Error Wrap(std::string summary, const Error& inner);
// {summary, "<status>: <engine message>"} from an error response.
Error ApiError(std::string summary, const HttpResponse& response);

// Runs `request`; a status >= 400 becomes ApiError(summary, …).
Result<HttpResponse> Call(const HttpTransport& transport, const std::string& summary, HttpRequest request,
                          const CancelToken& cancel = NeverCancelled());
// The same, and parses the body as JSON.
Result<nlohmann::json> CallJson(const HttpTransport& transport, const std::string& summary, HttpRequest request);

// Field readers that tolerate missing keys and nulls (the engine sends both).
std::string Str(const nlohmann::json& j, const char* key);
std::int64_t Int(const nlohmann::json& j, const char* key);
bool Bool(const nlohmann::json& j, const char* key);
std::vector<std::string> Strings(const nlohmann::json& j, const char* key);
std::optional<std::vector<std::string>> OptStrings(const nlohmann::json& j, const char* key);
std::map<std::string, std::string> StringMap(const nlohmann::json& j, const char* key);
// The keys of an object field (ExposedPorts, Volumes), sorted.
std::vector<std::string> Keys(const nlohmann::json& j, const char* key);

// Writes a response body to an ostream as it arrives.
ByteSink OstreamSink(std::ostream& out, std::string what);

}  // namespace kiln::clients::docker::internal
