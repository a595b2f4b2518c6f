// AWS Secrets Manager over its JSON 1.1 protocol, signed with SigV4: one call
// is a POST of a JSON body to "/" with `X-Amz-Target:
// secretsmanager.<Action>`; the answer is JSON, and an error is JSON with a
// "__type" (the code) and a "message". Dropped connections, 5xx answers and
// throttling are retried with backoff (max_retries times); other API errors
// are returned at once with their code.
//
// Only GetSecretValue, which is what the templates' aws_secretsmanager
// functions need. Thread-safe: each call has its own connection.
#pragma once

#include <chrono>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "clients/aws/ec2_client.h"  // ApiError, ApiResult
#include "clients/aws/sigv4.h"
#include "util/cancel.h"

namespace kiln::clients::aws {

struct SecretsManagerOptions {
  std::string region;
  // "http://127.0.0.1:5000", "secretsmanager.example.com" (https assumed);
  // empty means https://secretsmanager.<region>.amazonaws.com.
  std::string endpoint;
  Credentials creds;
  int max_retries = 2;
  std::chrono::milliseconds retry_base{200};  // first backoff; doubles
  long timeout_seconds = 30;                  // per attempt
  std::function<std::time_t()> now;           // the signing clock; empty: the system clock
};

struct SecretValue {
  std::string name;  // the secret's friendly name
  std::string arn;
  std::string version_id;
  std::optional<std::string> secret_string;  // nullopt: the secret is binary (SecretBinary)
};

class SecretsManagerClient {
 public:
  explicit SecretsManagerClient(SecretsManagerOptions options) : options_(std::move(options)) {}

  // The AWSCURRENT version of `secret_id` (a name or an ARN). A missing
  // secret is ApiError code "ResourceNotFoundException"; an unreachable
  // endpoint code "RequestError" with curl's reason as the message.
  ApiResult<SecretValue> GetSecretValue(std::string_view secret_id, const CancelToken& cancel) const;

  // The URL requests go to.
  std::string Url() const;
  const std::string& region() const { return options_.region; }

 private:
  ApiResult<std::string> Call(std::string_view action, const std::string& body, const CancelToken& cancel) const;

  SecretsManagerOptions options_;
};

// The endpoint the environment names, as the AWS SDKs read it:
// AWS_ENDPOINT_URL_SECRETS_MANAGER, else AWS_ENDPOINT_URL; empty when neither
// is set or AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true.
std::string SecretsManagerEndpointFromEnv();

}  // namespace kiln::clients::aws
