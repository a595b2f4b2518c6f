#include "clients/aws/waiters.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <functional>

namespace kiln::clients::aws {
namespace {

std::optional<int> EnvInt(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  if (*end || n < 0) return std::nullopt;
  return static_cast<int>(n);
}

enum class Poll { kDone, kRetry, kFailed };

ApiError Cancelled(std::string action) {
  return ApiError{.action = std::move(action), .code = "Cancelled", .message = "cancelled"};
}

// Runs `poll` until it says done or failed; `error` receives the failure.
ApiResult<void> Wait(std::string_view action, std::string_view what, const WaitOptions& o,
                     const CancelToken& cancel, const std::function<ApiResult<Poll>()>& poll) {
  for (int attempt = 1;; ++attempt) {
    if (cancel.cancelled()) return std::unexpected(Cancelled(std::string(action)));
    ApiResult<Poll> r = poll();
    if (!r) return std::unexpected(r.error());
    if (*r == Poll::kDone) return {};
    if (*r == Poll::kFailed) return std::unexpected(ApiError{.action = std::string(action), .code = "WaiterFailed"});
    if (attempt >= o.max_attempts)
      return std::unexpected(ApiError{
          .action = std::string(action),
          .code = "ResourceNotReady",
          .message = fmt::format("{} not ready after {} attempts {} s apart (raise aws_polling max_attempts or "
                                 "AWS_MAX_ATTEMPTS)",
                                 what, o.max_attempts, o.delay.count() / 1000.0)});
    if (!cancel.SleepFor(o.delay)) return std::unexpected(Cancelled(std::string(action)));
  }
}

bool NotFound(const ApiError& e) { return e.code.ends_with(".NotFound") || e.code == "InvalidAMIID.Unavailable"; }

}  // namespace

WaitOptions MakeWaitOptions(std::optional<int> delay_seconds, std::optional<int> max_attempts) {
  WaitOptions o;
  if (!delay_seconds) delay_seconds = EnvInt("AWS_POLL_DELAY_SECONDS");
  if (!max_attempts) max_attempts = EnvInt("AWS_MAX_ATTEMPTS");
  if (delay_seconds) o.delay = std::chrono::seconds(*delay_seconds);
  if (max_attempts && *max_attempts > 0) o.max_attempts = *max_attempts;
  return o;
}

ApiResult<Instance> WaitForInstance(const Ec2Client& ec2, const std::string& id, const std::string& target,
                                    const WaitOptions& o, const CancelToken& cancel) {
  // The states from which `target` can no longer be reached.
  std::vector<std::string> failing;
  if (target == "running") failing = {"shutting-down", "terminated", "stopping", "stopped"};
  if (target == "stopped") failing = {"pending", "terminated"};
  if (target == "terminated") failing = {"pending", "stopping"};
  Instance last;
  ApiResult<void> r = Wait("DescribeInstances", "instance " + id, o, cancel, [&]() -> ApiResult<Poll> {
    Params p;
    AddList(p, "InstanceId", {id});
    ApiResult<Xml> xml = ec2.Call("DescribeInstances", p, cancel);
    if (!xml) {
      if (NotFound(xml.error())) return Poll::kRetry;
      return std::unexpected(xml.error());
    }
    std::vector<Instance> found = ParseInstances(*xml);
    if (found.empty()) return Poll::kRetry;
    last = found.front();
    if (last.state == target) return Poll::kDone;
    if (std::ranges::find(failing, last.state) != failing.end()) return Poll::kFailed;
    return Poll::kRetry;
  });
  if (!r) {
    ApiError e = r.error();
    if (e.code == "WaiterFailed")
      e.message = fmt::format("instance {} went to state '{}' while waiting for '{}'{}", id, last.state, target,
                              last.state_reason.empty() ? "" : ": " + last.state_reason);
    return std::unexpected(e);
  }
  return last;
}

ApiResult<Image> WaitForImageAvailable(const Ec2Client& ec2, const std::string& id, const WaitOptions& o,
                                       const CancelToken& cancel) {
  Image last;
  ApiResult<void> r = Wait("DescribeImages", "AMI " + id, o, cancel, [&]() -> ApiResult<Poll> {
    Params p;
    AddList(p, "ImageId", {id});
    ApiResult<Xml> xml = ec2.Call("DescribeImages", p, cancel);
    if (!xml) {
      if (NotFound(xml.error())) return Poll::kRetry;
      return std::unexpected(xml.error());
    }
    std::vector<Image> found = ParseImages(*xml);
    if (found.empty()) return Poll::kRetry;
    last = found.front();
    if (last.state == "available") return Poll::kDone;
    if (last.state == "failed" || last.state == "deregistered" || last.state == "error") return Poll::kFailed;
    return Poll::kRetry;
  });
  if (!r) {
    ApiError e = r.error();
    if (e.code == "WaiterFailed")
      e.message = fmt::format("AMI {} is '{}'{}", id, last.state,
                              last.state_reason.empty() ? "" : ": " + last.state_reason);
    return std::unexpected(e);
  }
  return last;
}

ApiResult<void> WaitForSecurityGroup(const Ec2Client& ec2, const std::string& id, const WaitOptions& o,
                                     const CancelToken& cancel) {
  return Wait("DescribeSecurityGroups", "security group " + id, o, cancel, [&]() -> ApiResult<Poll> {
    Params p;
    AddList(p, "GroupId", {id});
    ApiResult<Xml> xml = ec2.Call("DescribeSecurityGroups", p, cancel);
    if (!xml) {
      if (NotFound(xml.error())) return Poll::kRetry;
      return std::unexpected(xml.error());
    }
    return xml->root().child("securityGroupInfo").child("item") ? Poll::kDone : Poll::kRetry;
  });
}

}  // namespace kiln::clients::aws
