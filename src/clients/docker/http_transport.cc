#include "clients/docker/http_transport.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>

namespace kiln::clients::docker {
namespace {

constexpr size_t kMaxErrorBody = 1 << 20;
constexpr int kPollMs = 100;  // the longest a cancellation waits to be noticed

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

Error CancelledError() { return MakeError("cancelled"); }

bool IsCancelled(const Error& error) { return error.summary == "cancelled" || error.detail == "cancelled"; }

// One transfer: a curl easy handle driven by its own multi handle, so that
// both Do (run to the end) and HttpStream::Read (run until some body bytes
// are buffered) share one loop that can watch the cancel token.
struct HttpStream::Impl {
  CURL* easy = nullptr;
  CURLM* multi = nullptr;
  curl_slist* header_list = nullptr;
  HttpRequest request;
  const CancelToken* cancel = nullptr;
  std::string where;  // "unix:///var/run/docker.sock"

  HttpResponse response;
  bool headers_done = false;
  bool pull_mode = false;  // body goes to `buffer` for Read
  std::string buffer;
  size_t buffer_pos = 0;

  bool finished = false;
  CURLcode result = CURLE_OK;
  bool cancelled = false;
  std::optional<Error> callback_error;
  char errbuf[CURL_ERROR_SIZE] = {};

  ~Impl() {
    if (multi && easy) curl_multi_remove_handle(multi, easy);
    if (easy) curl_easy_cleanup(easy);
    if (multi) curl_multi_cleanup(multi);
    if (header_list) curl_slist_free_all(header_list);
  }

  bool CancelRequested() {
    if (cancel && cancel->cancelled()) cancelled = true;
    return cancelled;
  }

  static size_t OnHeader(char* data, size_t size, size_t n, void* p) {
    auto* t = static_cast<Impl*>(p);
    std::string_view line = Trim(std::string_view(data, size * n));
    if (line.starts_with("HTTP/")) {
      // A new response (there may be a 100 Continue first): start over.
      t->response.headers.clear();
      t->headers_done = false;
      size_t sp = line.find(' ');
      t->response.status = sp == std::string_view::npos ? 0 : std::atol(std::string(line.substr(sp + 1, 3)).c_str());
    } else if (line.empty()) {
      if (t->response.status >= 200) t->headers_done = true;
    } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
      std::string name(Trim(line.substr(0, colon)));
      std::ranges::transform(name, name.begin(), [](unsigned char c) { return std::tolower(c); });
      t->response.headers[name] = std::string(Trim(line.substr(colon + 1)));
    }
    return size * n;
  }

  static size_t OnWrite(char* data, size_t size, size_t n, void* p) {
    auto* t = static_cast<Impl*>(p);
    size_t len = size * n;
    if (t->CancelRequested()) return 0;
    if (t->response.status >= 400) {
      size_t room = kMaxErrorBody - std::min(kMaxErrorBody, t->response.body.size());
      t->response.body.append(data, std::min(len, room));
    } else if (t->pull_mode) {
      // Bounded by what one curl_multi_perform reads (at most ~100 socket
      // reads of 16 KiB), since Read pumps only while the buffer is empty.
      t->buffer.append(data, len);
    } else if (t->request.on_body) {
      if (Result<void> r = t->request.on_body(std::string_view(data, len)); !r) {
        t->callback_error = std::move(r.error());
        return 0;
      }
    } else {
      t->response.body.append(data, len);
    }
    return len;
  }

  static size_t OnRead(char* buf, size_t size, size_t n, void* p) {
    auto* t = static_cast<Impl*>(p);
    if (t->CancelRequested()) return CURL_READFUNC_ABORT;
    Result<size_t> r = t->request.body_source(std::span<char>(buf, size * n));
    if (!r) {
      t->callback_error = std::move(r.error());
      return CURL_READFUNC_ABORT;
    }
    return *r;
  }

  static int OnProgress(void* p, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<Impl*>(p)->CancelRequested() ? 1 : 0;
  }

  Result<void> Setup(const Endpoint& ep) {
    GlobalInit();
    where = ep.Describe();
    easy = curl_easy_init();
    multi = curl_multi_init();
    if (!easy || !multi) return std::unexpected(MakeError("curl: out of memory"));

    std::string url = ep.BaseUrl() + request.path;
    char sep = '?';
    for (const auto& [key, value] : request.query) {
      char* escaped = curl_easy_escape(easy, value.data(), static_cast<int>(value.size()));
      url += fmt::format("{}{}={}", sep, key, escaped ? escaped : "");
      curl_free(escaped);
      sep = '&';
    }
    curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
    if (ep.kind == Endpoint::Kind::kUnix) curl_easy_setopt(easy, CURLOPT_UNIX_SOCKET_PATH, ep.socket_path.c_str());
    if (ep.tls) {
      curl_easy_setopt(easy, CURLOPT_CAINFO, ep.tls_files.ca.c_str());
      curl_easy_setopt(easy, CURLOPT_SSLCERT, ep.tls_files.cert.c_str());
      curl_easy_setopt(easy, CURLOPT_SSLKEY, ep.tls_files.key.c_str());
    }
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);  // we run on many threads
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);  // long, silent execs over tcp
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &OnWrite);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &OnProgress);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, this);

    bool has_content_type = false;
    for (const std::string& h : request.headers) {
      header_list = curl_slist_append(header_list, h.c_str());
      std::string lower = h.substr(0, 13);
      std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return std::tolower(c); });
      has_content_type |= lower == "content-type:";
    }
    // No "Expect: 100-continue" round trip before a body.
    header_list = curl_slist_append(header_list, "Expect:");
    // curl would label a body-less POST x-www-form-urlencoded, which the
    // engine's JSON endpoints reject.
    if (!has_content_type) header_list = curl_slist_append(header_list, "Content-Type:");

    const std::string& m = request.method;
    if (m == "HEAD") {
      curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else if (m == "POST" || m == "PUT") {
      curl_easy_setopt(easy, CURLOPT_POST, 1L);
      if (request.body_source) {
        curl_easy_setopt(easy, CURLOPT_READFUNCTION, &OnRead);
        // Fewer, larger chunks for big uploads (the default is 64 KiB).
        curl_easy_setopt(easy, CURLOPT_UPLOAD_BUFFERSIZE, 256L * 1024);
        curl_easy_setopt(easy, CURLOPT_READDATA, this);
        header_list = curl_slist_append(header_list, "Transfer-Encoding: chunked");
      } else {
        curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
      }
      if (m == "PUT") curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, "PUT");
    } else if (m != "GET") {
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, m.c_str());
    }
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, header_list);
    if (curl_multi_add_handle(multi, easy) != CURLM_OK) return std::unexpected(MakeError("curl: cannot add handle"));
    return {};
  }

  // Runs curl until `ready()` holds or the transfer ends; an Error when it
  // ended badly.
  template <typename Ready>
  Result<void> Pump(Ready ready) {
    while (!finished && !ready()) {
      if (CancelRequested()) return std::unexpected(CancelledError());
      int running = 0;
      CURLMcode mc = curl_multi_perform(multi, &running);
      if (mc != CURLM_OK) return std::unexpected(MakeError(fmt::format("curl: {}", curl_multi_strerror(mc))));
      if (running == 0) {
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi, &left))
          if (msg->msg == CURLMSG_DONE) result = msg->data.result;
        finished = true;
        break;
      }
      if (ready()) break;
      curl_multi_poll(multi, nullptr, 0, kPollMs, nullptr);
    }
    if (!finished || result == CURLE_OK) return {};
    if (callback_error) return std::unexpected(*callback_error);
    if (cancelled) return std::unexpected(CancelledError());
    std::string what = errbuf[0] ? errbuf : curl_easy_strerror(result);
    if (result == CURLE_COULDNT_CONNECT || result == CURLE_COULDNT_RESOLVE_HOST)
      return std::unexpected(
          MakeError(fmt::format("cannot connect to the Docker engine at {}", where), what + " (is dockerd running?)"));
    return std::unexpected(MakeError(fmt::format("request to the Docker engine at {} failed", where), what));
  }
};

HttpStream::HttpStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpStream::HttpStream(HttpStream&&) noexcept = default;
HttpStream& HttpStream::operator=(HttpStream&&) noexcept = default;
HttpStream::~HttpStream() = default;

const HttpResponse& HttpStream::response() const { return impl_->response; }

Result<size_t> HttpStream::Read(std::span<char> buf) {
  Impl& t = *impl_;
  if (t.buffer_pos == t.buffer.size()) {
    t.buffer.clear();  // keeps its capacity: no reallocation per chunk
    t.buffer_pos = 0;
    if (Result<void> r = t.Pump([&] { return !t.buffer.empty(); }); !r) return std::unexpected(r.error());
    if (t.buffer.empty()) return 0;
  }
  size_t n = std::min(buf.size(), t.buffer.size() - t.buffer_pos);
  std::memcpy(buf.data(), t.buffer.data() + t.buffer_pos, n);
  t.buffer_pos += n;
  return n;
}

HttpTransport::HttpTransport(Endpoint endpoint) : endpoint_(std::move(endpoint)) {}

Result<HttpResponse> HttpTransport::Do(HttpRequest request, const CancelToken& cancel) const {
  auto t = std::make_unique<HttpStream::Impl>();
  t->request = std::move(request);
  t->cancel = &cancel;
  if (Result<void> r = t->Setup(endpoint_); !r) return std::unexpected(r.error());
  if (Result<void> r = t->Pump([] { return false; }); !r) return std::unexpected(r.error());
  return std::move(t->response);
}

Result<HttpStream> HttpTransport::Open(HttpRequest request, const CancelToken& cancel) const {
  auto t = std::make_unique<HttpStream::Impl>();
  t->request = std::move(request);
  t->request.on_body = nullptr;
  t->cancel = &cancel;
  t->pull_mode = true;
  if (Result<void> r = t->Setup(endpoint_); !r) return std::unexpected(r.error());
  HttpStream::Impl& impl = *t;
  if (Result<void> r = impl.Pump([&] { return impl.headers_done; }); !r) return std::unexpected(r.error());
  // An error's body is small and is the message: read it all now.
  if (impl.response.status >= 400)
    if (Result<void> r = impl.Pump([] { return false; }); !r) return std::unexpected(r.error());
  return HttpStream(std::move(t));
}

}  // namespace kiln::clients::docker
