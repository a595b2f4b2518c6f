// One HTTP request with libcurl, for the AWS APIs: a body in (a form for the
// Query APIs, JSON for the JSON ones), a status and a body out. A new connection per call keeps the client
// thread-safe; cancellation is noticed within a second.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "util/cancel.h"
#include "util/error.h"

namespace kiln::clients::aws {

struct HttpReply {
  long status = 0;
  std::string body;
};

struct HttpCall {
  std::string method = "POST";  // POST, GET or PUT
  std::string url;  // "https://ec2.us-east-1.amazonaws.com/"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool insecure = false;  // skip TLS verification (insecure_skip_tls_verify)
  long timeout_seconds = 60;
};

// Errors: no connection, timeout, or "cancelled". An HTTP error status is
// not an Error: it is in the reply.
Result<HttpReply> Send(const HttpCall& call, const CancelToken& cancel);

// A configured endpoint as a URL: "http://127.0.0.1:5000" stays http,
// "ec2.example.com" gets https; a bare host gets the path "/".
std::string EndpointUrl(std::string endpoint);
// "host:port" of a URL, for the Host header.
std::string HostOf(const std::string& url);
// The decoded path of a URL ("/" when it has none), as SigV4 signs it.
std::string PathOf(const std::string& url);

}  // namespace kiln::clients::aws
