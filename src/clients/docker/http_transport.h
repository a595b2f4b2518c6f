// HTTP/1.1 to the Docker engine with libcurl, over its unix socket or tcp
// (optionally TLS). Bodies stream both ways: a request body is pulled from a
// ByteSource as curl sends it, a response body is pushed to a sink as it
// arrives, or pulled by the caller through HttpStream. Nothing here knows the
// engine's API; engine_client.cc builds the requests.
//
// Every request gets its own connection, so one HttpTransport can be used by
// several threads at once. Cancellation is polled at least every 100 ms.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clients/docker/endpoint.h"
#include "util/cancel.h"
#include "util/error.h"

namespace kiln::clients::docker {

// Pull-style source: fills a prefix of `buf` and says how much; 0 means the
// end. An error aborts the request and is what the request returns.
using ByteSource = std::function<Result<size_t>(std::span<char> buf)>;
// Push-style sink for a response body; an error aborts the request.
using ByteSink = std::function<Result<void>(std::string_view bytes)>;

struct HttpRequest {
  std::string method = "GET";                              // GET, HEAD, POST, PUT, DELETE
  std::string path;                                        // "/v1.41/containers/json" (already URL-safe)
  std::vector<std::pair<std::string, std::string>> query;  // values are escaped here
  std::vector<std::string> headers;                        // "Name: value"
  std::string body;                                        // POST/PUT body unless body_source is set
  ByteSource body_source;                                  // streamed body (chunked transfer encoding)
  ByteSink on_body;                                        // receives a <400 response's body as it arrives
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  // The body, unless it went to on_body. A >=400 response's body always lands
  // here (capped at 1 MiB): it holds the engine's error message.
  std::string body;
};

// A response whose body the caller pulls (HttpTransport::Open). Move-only;
// destroying it before the end aborts the transfer.
class HttpStream {
 public:
  struct Impl;
  explicit HttpStream(std::unique_ptr<Impl> impl);
  HttpStream(HttpStream&&) noexcept;
  HttpStream& operator=(HttpStream&&) noexcept;
  ~HttpStream();

  const HttpResponse& response() const;  // status and headers (and the body if >= 400)
  // Fills a prefix of `buf` with the next body bytes; 0 at the end.
  Result<size_t> Read(std::span<char> buf);
  ByteSource AsSource() {
    return [this](std::span<char> buf) { return Read(buf); };
  }

 private:
  std::unique_ptr<Impl> impl_;
};

class HttpTransport {
 public:
  explicit HttpTransport(Endpoint endpoint);

  const Endpoint& endpoint() const { return endpoint_; }

  // Runs `request` to the end. An HTTP error status is not an Error (it is in
  // the response); Errors are: no connection, a source/sink error, cancelled.
  Result<HttpResponse> Do(HttpRequest request, const CancelToken& cancel) const;

  // Sends `request` and returns once the response headers are in. A >=400
  // response comes back already read to the end (body in response().body);
  // otherwise pull the body with Read. `cancel` must outlive the stream.
  Result<HttpStream> Open(HttpRequest request, const CancelToken& cancel) const;

 private:
  Endpoint endpoint_;
};

// The cancellation error every operation returns: summary "cancelled".
Error CancelledError();
bool IsCancelled(const Error& error);

}  // namespace kiln::clients::docker
