#include "clients/aws/secrets_manager_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>

#include "clients/aws/http.h"
#include "ui/output.h"
#include "json/value.h"

namespace kiln::clients::aws {
namespace {

constexpr std::chrono::milliseconds kMaxBackoff{5000};

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// A JSON-protocol error: {"__type": "ResourceNotFoundException", "message":
// "..."}. The type may carry a namespace ("com.amazonaws...#Code") or a
// suffix after ':'; older services say "Message". XML errors are read too.
ApiError ParseError(std::string_view action, long status, const std::string& body) {
  ApiError e{.action = std::string(action), .status = status};
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object()) {
    std::string type = j.value("__type", std::string());
    if (size_t hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
    if (size_t colon = type.find(':'); colon != std::string::npos) type = type.substr(0, colon);
    e.code = type;
    e.message = j.contains("message") && j["message"].is_string() ? j["message"].get<std::string>()
                                                                  : j.value("Message", std::string());
  }
  if (e.code.empty()) {  // some front ends answer in the Query APIs' XML (moto's signature checks)
    pugi::xml_document doc;
    if (doc.load_buffer(body.data(), body.size())) {
      pugi::xml_node error = doc.select_node("//Error").node();
      e.code = error.child_value("Code");
      e.message = error.child_value("Message");
    }
  }
  if (e.code.empty()) {
    e.code = status >= 500 ? "InternalError" : fmt::format("HTTP{}", status);
    e.message = body.substr(0, 300);
  }
  return e;
}

bool Retryable(const ApiError& e) {
  return e.code == "RequestError" || e.status >= 500 || IsThrottling(e.code) || e.code == "InternalError" ||
         e.code == "InternalServiceError" || e.code == "ServiceUnavailable";
}

}  // namespace

std::string SecretsManagerEndpointFromEnv() {
  if (Env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") == "true") return {};
  if (std::string e = Env("AWS_ENDPOINT_URL_SECRETS_MANAGER"); !e.empty()) return e;
  return Env("AWS_ENDPOINT_URL");
}

std::string SecretsManagerClient::Url() const {
  if (!options_.endpoint.empty()) return EndpointUrl(options_.endpoint);
  std::string_view suffix = options_.region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return fmt::format("https://secretsmanager.{}.{}/", options_.region, suffix);
}

ApiResult<SecretValue> SecretsManagerClient::GetSecretValue(std::string_view secret_id,
                                                            const CancelToken& cancel) const {
  // The current version, as Packer asks for it.
  nlohmann::json request = {{"SecretId", secret_id}, {"VersionStage", "AWSCURRENT"}};
  ApiResult<std::string> body = Call("GetSecretValue", json::Dump(request), cancel);
  if (!body) return std::unexpected(body.error());
  nlohmann::json j = nlohmann::json::parse(*body, nullptr, false);
  if (!j.is_object())
    return std::unexpected(ApiError{.action = "GetSecretValue", .code = "SerializationError",
                                    .message = "the answer is not a JSON object"});
  SecretValue v{.name = j.value("Name", std::string()),
                .arn = j.value("ARN", std::string()),
                .version_id = j.value("VersionId", std::string())};
  if (j.contains("SecretString") && j["SecretString"].is_string())
    v.secret_string = j["SecretString"].get<std::string>();
  return v;
}

ApiResult<std::string> SecretsManagerClient::Call(std::string_view action, const std::string& body,
                                                  const CancelToken& cancel) const {
  std::string url = Url();
  std::string target = fmt::format("secretsmanager.{}", action);
  std::mt19937 rng(std::random_device{}());
  for (int attempt = 0;; ++attempt) {
    SigningRequest req{
        .method = "POST",
        .path = PathOf(url),
        .headers = {{"Content-Length", std::to_string(body.size())},
                    {"Content-Type", "application/x-amz-json-1.1"},
                    {"Host", HostOf(url)},
                    {"X-Amz-Target", target}},
        .body = body,
    };
    SigningParams sp{.region = options_.region,
                     .service = "secretsmanager",
                     .time = options_.now ? options_.now() : std::time(nullptr)};
    Signature sig = SignHeaders(req, options_.creds, sp);
    HttpCall call{.url = url, .body = body, .timeout_seconds = options_.timeout_seconds};
    call.headers = req.headers;
    call.headers.insert(call.headers.end(), sig.added_headers.begin(), sig.added_headers.end());
    call.headers.emplace_back("User-Agent", "kiln (aws_secretsmanager)");

    ui::Log("aws: secretsmanager {} {} (region {}, attempt {})", action, url, options_.region, attempt + 1);
    Result<HttpReply> reply = Send(call, cancel);
    ApiError error;
    if (!reply) {
      if (reply.error().summary == "cancelled")
        return std::unexpected(ApiError{.action = std::string(action), .code = "Cancelled", .message = "cancelled"});
      // Send's summary is "POST <url>"; the detail is curl's reason.
      const Error& e = reply.error();
      error = ApiError{.action = std::string(action), .code = "RequestError",
                       .message = e.detail.empty() ? e.summary : e.detail};
    } else if (reply->status >= 200 && reply->status < 300) {
      return std::move(reply->body);
    } else {
      error = ParseError(action, reply->status, reply->body);
    }
    ui::Log("aws: secretsmanager {} failed: {}: {}", action, error.code, error.message);
    if (!Retryable(error) || attempt >= options_.max_retries) return std::unexpected(error);
    auto cap = std::min<std::chrono::milliseconds>(kMaxBackoff, options_.retry_base * (1LL << std::min(attempt, 16)));
    auto delay = std::chrono::milliseconds(
        std::uniform_int_distribution<long long>(cap.count() / 2, std::max<long long>(cap.count(), 1))(rng));
    if (!cancel.SleepFor(delay))
      return std::unexpected(ApiError{.action = std::string(action), .code = "Cancelled", .message = "cancelled"});
  }
}

}  // namespace kiln::clients::aws
