// The EC2 Query API over HTTP(S), signed with SigV4: one call is a form POST
// ("Action=RunInstances&Version=2016-11-15&..."), the answer XML. Throttling,
// 5xx answers and dropped connections are retried with exponential backoff
// and jitter (max_retries times). API errors keep their code and message.
//
// Thread-safe (each call has its own connection). For other regions
// (ami_regions copies) ForRegion gives a client with the same credentials
// and endpoint, signing for that region.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clients/aws/sigv4.h"
#include "util/cancel.h"
#include "util/error.h"

namespace kiln::clients::aws {

inline constexpr std::string_view kEc2ApiVersion = "2016-11-15";

struct ClientOptions {
  std::string region;
  // custom_endpoint_ec2: "http://127.0.0.1:5000", "ec2.example.com" (https
  // assumed); empty means https://ec2.<region>.amazonaws.com.
  std::string endpoint;
  Credentials creds;
  bool insecure = false;  // insecure_skip_tls_verify
  int max_retries = 10;
  std::chrono::milliseconds retry_base{300};  // first backoff; doubles, capped at 20 s
  // The clock signing uses; tests fix it. Empty: the system clock.
  std::function<std::time_t()> now;
};

// An API error: "AuthFailure: AWS was not able to validate ...". Transport
// failures have code "RequestError", cancellation "Cancelled".
struct ApiError {
  std::string action;
  std::string code;
  std::string message;
  long status = 0;
  std::string request_id;
  Error ToError() const;
  bool cancelled() const { return code == "Cancelled"; }
};

template <typename T>
using ApiResult = std::expected<T, ApiError>;

using Params = std::vector<std::pair<std::string, std::string>>;

// A parsed answer; root() is the <XxxResponse> element.
struct Xml {
  std::shared_ptr<pugi::xml_document> doc;
  pugi::xml_node root() const { return doc->document_element(); }
};

class Ec2Client {
 public:
  explicit Ec2Client(ClientOptions options) : options_(std::move(options)) {}
  const std::string& region() const { return options_.region; }
  const ClientOptions& options() const { return options_; }
  Ec2Client ForRegion(std::string region) const;

  // One action with retries; `params` without Action and Version. A tripped
  // `cancel` aborts the request in flight and the retries.
  ApiResult<Xml> Call(std::string_view action, const Params& params, const CancelToken& cancel) const;

  // A call that creates something (RunInstances, CreateImage, ...). Not sent
  // when `cancel` has already tripped (code "Cancelled"); once sent, it is
  // finished, retries included, even if `cancel` trips meanwhile, so that the
  // new resource's ID is known and its cleanup can run. At most `bound` in
  // all: after that the answer is a "RequestError" and whether the resource
  // exists is unknown (callers then look for it by name or tag).
  ApiResult<Xml> CallToCompletion(std::string_view action, const Params& params, const CancelToken& cancel,
                                  std::chrono::milliseconds bound = kCreateBound) const;
  static constexpr std::chrono::milliseconds kCreateBound{120'000};

  // The URL requests go to.
  std::string Url() const;

 private:
  using Deadline = std::chrono::steady_clock::time_point;
  ApiResult<Xml> Send(std::string_view action, const Params& params, const CancelToken& cancel,
                      std::optional<Deadline> deadline) const;

  ClientOptions options_;
};

// Query parameter helpers: "Filter.1.Name=name&Filter.1.Value.1=ubuntu*".
void AddFilters(Params& params, const std::map<std::string, std::vector<std::string>>& filters);
void AddList(Params& params, std::string_view prefix, const std::vector<std::string>& values);
// TagSpecification.N.ResourceType / .Tag.M.Key / .Tag.M.Value
void AddTagSpecification(Params& params, int n, std::string_view resource_type,
                         const std::map<std::string, std::string>& tags);
// Tag.N.Key / Tag.N.Value (CreateTags)
void AddTags(Params& params, const std::map<std::string, std::string>& tags);

// The form body of a call, as sent (also used by the signature check test).
std::string FormBody(std::string_view action, const Params& params);

bool IsThrottling(std::string_view code);

}  // namespace kiln::clients::aws
