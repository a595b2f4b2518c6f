#include "clients/aws/ec2_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <random>

#include "clients/aws/http.h"
#include "ui/output.h"

namespace kiln::clients::aws {
namespace {

constexpr std::chrono::milliseconds kMaxBackoff{20000};

ApiError ParseError(std::string_view action, long status, const std::string& body) {
  ApiError e{.action = std::string(action), .status = status};
  pugi::xml_document doc;
  if (doc.load_buffer(body.data(), body.size())) {
    pugi::xml_node error = doc.select_node("//Error").node();
    e.code = error.child_value("Code");
    e.message = error.child_value("Message");
    e.request_id = doc.select_node("//RequestID").node().child_value();
    if (e.request_id.empty()) e.request_id = doc.select_node("//RequestId").node().child_value();
  }
  if (e.code.empty()) {
    e.code = status >= 500 ? "InternalError" : fmt::format("HTTP{}", status);
    e.message = body.substr(0, 300);
  }
  return e;
}

bool Retryable(const ApiError& e) {
  return e.code == "RequestError" || e.status >= 500 || IsThrottling(e.code) || e.code == "InternalError" ||
         e.code == "ServiceUnavailable" || e.code == "Unavailable";
}

}  // namespace

Error ApiError::ToError() const {
  std::string detail = message;
  if (!request_id.empty()) detail += fmt::format(" (request {})", request_id);
  if (code == "RequestError" || code == "Cancelled") return MakeError(fmt::format("EC2 {}: {}", action, message));
  return MakeError(fmt::format("EC2 {}: {}", action, code), detail);
}

bool IsThrottling(std::string_view code) {
  static constexpr std::string_view kCodes[] = {
      "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
      "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
      "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
      "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException"};
  return std::ranges::find(kCodes, code) != std::end(kCodes);
}

Ec2Client Ec2Client::ForRegion(std::string region) const {
  ClientOptions o = options_;
  o.region = std::move(region);
  return Ec2Client(std::move(o));
}

std::string Ec2Client::Url() const {
  if (options_.endpoint.empty()) return fmt::format("https://ec2.{}.amazonaws.com/", options_.region);
  return EndpointUrl(options_.endpoint);
}

// application/x-www-form-urlencoded as the SDKs write it (Go's
// url.QueryEscape, Python's urlencode): a space is '+'. Servers that rebuild
// the body from the parsed form to check the signature (moto) need this.
std::string FormEncode(std::string_view s) {
  std::string out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ' ') {
      out += UriEncode(s.substr(start, i - start));
      if (i < s.size()) out += '+';
      start = i + 1;
    }
  }
  return out;
}

std::string FormBody(std::string_view action, const Params& params) {
  std::string body = fmt::format("Action={}&Version={}", FormEncode(action), kEc2ApiVersion);
  for (const auto& [k, v] : params) body += "&" + FormEncode(k) + "=" + FormEncode(v);
  return body;
}

ApiResult<Xml> Ec2Client::Call(std::string_view action, const Params& params, const CancelToken& cancel) const {
  return Send(action, params, cancel, std::nullopt);
}

ApiResult<Xml> Ec2Client::CallToCompletion(std::string_view action, const Params& params, const CancelToken& cancel,
                                           std::chrono::milliseconds bound) const {
  if (cancel.cancelled())
    return std::unexpected(ApiError{.action = std::string(action), .code = "Cancelled", .message = "cancelled"});
  // From here on the build's token is not consulted: a create that EC2 may
  // already be carrying out is seen through, so its result is known.
  static const CancelToken kNever;
  return Send(action, params, kNever, std::chrono::steady_clock::now() + bound);
}

ApiResult<Xml> Ec2Client::Send(std::string_view action, const Params& params, const CancelToken& cancel,
                               std::optional<Deadline> deadline) const {
  auto timed_out = [&] {
    return ApiError{.action = std::string(action),
                    .code = "RequestError",
                    .message = "no answer in the time allowed; whether it took effect is unknown"};
  };
  std::string url = Url();
  std::string body = FormBody(action, params);
  std::mt19937 rng(std::random_device{}());
  for (int attempt = 0;; ++attempt) {
    SigningRequest req{
        .method = "POST",
        .path = "/",
        .headers = {{"Content-Length", std::to_string(body.size())},
                    {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                    {"Host", HostOf(url)}},
        .body = body,
    };
    req.path = PathOf(url);
    SigningParams sp{.region = options_.region,
                     .service = "ec2",
                     .time = options_.now ? options_.now() : std::time(nullptr)};
    Signature sig = SignHeaders(req, options_.creds, sp);
    HttpCall call{.url = url, .body = body, .insecure = options_.insecure};
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::seconds>(*deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::unexpected(timed_out());
      call.timeout_seconds = std::min<long>(call.timeout_seconds, left.count());
    }
    call.headers = req.headers;
    call.headers.insert(call.headers.end(), sig.added_headers.begin(), sig.added_headers.end());
    call.headers.emplace_back("User-Agent", "kiln (amazon-ebs)");

    ui::Log("aws: {} {} (region {}, attempt {})", action, url, options_.region, attempt + 1);
    Result<HttpReply> reply = aws::Send(call, cancel);
    ApiError error;
    if (!reply) {
      if (reply.error().summary == "cancelled")
        return std::unexpected(ApiError{.action = std::string(action), .code = "Cancelled", .message = "cancelled"});
      error = ApiError{.action = std::string(action), .code = "RequestError", .message = reply.error().Message()};
    } else if (reply->status >= 200 && reply->status < 300) {
      auto doc = std::make_shared<pugi::xml_document>();
      if (!doc->load_buffer(reply->body.data(), reply->body.size()) || !doc->document_element())
        return std::unexpected(ApiError{.action = std::string(action), .code = "SerializationError",
                                        .message = "the answer is not XML: " + reply->body.substr(0, 200)});
      return Xml{std::move(doc)};
    } else {
      error = ParseError(action, reply->status, reply->body);
    }
    ui::Log("aws: {} failed: {}: {}", action, error.code, error.message);
    if (!Retryable(error) || attempt >= options_.max_retries) return std::unexpected(error);
    // Full jitter: anywhere up to base * 2^attempt, capped.
    auto cap = std::min<std::chrono::milliseconds>(kMaxBackoff, options_.retry_base * (1LL << std::min(attempt, 16)));
    auto delay = std::chrono::milliseconds(
        std::uniform_int_distribution<long long>(cap.count() / 2, std::max<long long>(cap.count(), 1))(rng));
    if (deadline && std::chrono::steady_clock::now() + delay >= *deadline) return std::unexpected(error);
    if (!cancel.SleepFor(delay))
      return std::unexpected(ApiError{.action = std::string(action), .code = "Cancelled", .message = "cancelled"});
  }
}

void AddFilters(Params& params, const std::map<std::string, std::vector<std::string>>& filters) {
  int n = 0;
  for (const auto& [name, values] : filters) {
    ++n;
    params.emplace_back(fmt::format("Filter.{}.Name", n), name);
    for (size_t i = 0; i < values.size(); ++i) params.emplace_back(fmt::format("Filter.{}.Value.{}", n, i + 1), values[i]);
  }
}

void AddList(Params& params, std::string_view prefix, const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) params.emplace_back(fmt::format("{}.{}", prefix, i + 1), values[i]);
}

void AddTagSpecification(Params& params, int n, std::string_view resource_type,
                         const std::map<std::string, std::string>& tags) {
  params.emplace_back(fmt::format("TagSpecification.{}.ResourceType", n), std::string(resource_type));
  int m = 0;
  for (const auto& [k, v] : tags) {
    ++m;
    params.emplace_back(fmt::format("TagSpecification.{}.Tag.{}.Key", n, m), k);
    params.emplace_back(fmt::format("TagSpecification.{}.Tag.{}.Value", n, m), v);
  }
}

void AddTags(Params& params, const std::map<std::string, std::string>& tags) {
  int m = 0;
  for (const auto& [k, v] : tags) {
    ++m;
    params.emplace_back(fmt::format("Tag.{}.Key", m), k);
    params.emplace_back(fmt::format("Tag.{}.Value", m), v);
  }
}

}  // namespace kiln::clients::aws
