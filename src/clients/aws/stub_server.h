// A loopback HTTP/1.1 server for the AWS client's tests: answers each request
// with what `handler` returns, one connection per request. It stands in for
// EC2 where moto cannot show a behaviour (pending states, failed images,
// throttling, eventual consistency) and records what clients send.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kiln::clients::aws::testing {

struct StubRequest {
  std::string method, target;
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string body;
  std::map<std::string, std::string> form;  // the decoded body
  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers)
      if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
    return {};
  }
};

struct StubReply {
  int status = 200;
  std::string body;
};

class StubServer {
 public:
  using Handler = std::function<StubReply(const StubRequest&)>;

  explicit StubServer(Handler handler) : handler_(std::move(handler)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~StubServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  std::vector<StubRequest> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

  static std::string Decode(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
        i += 2;
      } else {
        out.push_back(s[i] == '+' ? ' ' : s[i]);
      }
    }
    return out;
  }

 private:
  void Serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string data;
      char buf[8192];
      size_t header_end = std::string::npos;
      size_t want = 0;
      while (true) {
        ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        data.append(buf, n);
        if (header_end == std::string::npos && (header_end = data.find("\r\n\r\n")) != std::string::npos) {
          std::string lower = data.substr(0, header_end);
          for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          size_t cl = lower.find("content-length:");
          want = cl == std::string::npos ? 0 : std::stoul(lower.substr(cl + 15));
        }
        if (header_end != std::string::npos && data.size() >= header_end + 4 + want) break;
      }
      StubRequest req = Parse(data, header_end);
      StubReply reply = handler_(req);
      {
        std::lock_guard lock(mu_);
        requests_.push_back(req);
      }
      std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\nContent-Type: text/xml\r\nContent-Length: " +
                        std::to_string(reply.body.size()) + "\r\nConnection: close\r\n\r\n" + reply.body;
      (void)::write(c, out.data(), out.size());
      ::close(c);
    }
  }

  static StubRequest Parse(const std::string& data, size_t header_end) {
    StubRequest r;
    if (header_end == std::string::npos) return r;
    std::string head = data.substr(0, header_end);
    r.body = data.substr(header_end + 4);
    size_t eol = head.find("\r\n");
    std::string first = head.substr(0, eol);
    r.method = first.substr(0, first.find(' '));
    r.target = first.substr(first.find(' ') + 1, first.rfind(' ') - first.find(' ') - 1);
    size_t pos = eol == std::string::npos ? head.size() : eol + 2;
    while (pos < head.size()) {
      size_t next = head.find("\r\n", pos);
      if (next == std::string::npos) next = head.size();
      std::string line = head.substr(pos, next - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string v = line.substr(colon + 1);
        v.erase(0, v.find_first_not_of(' '));
        r.headers.emplace_back(line.substr(0, colon), v);
      }
      pos = next + 2;
    }
    std::string body = r.body;
    size_t start = 0;
    while (start <= body.size() && !body.empty()) {
      size_t amp = body.find('&', start);
      std::string item = body.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      size_t eq = item.find('=');
      r.form[Decode(item.substr(0, eq))] = eq == std::string::npos ? "" : Decode(item.substr(eq + 1));
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
    return r;
  }

  Handler handler_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<StubRequest> requests_;
};

}  // namespace kiln::clients::aws::testing
