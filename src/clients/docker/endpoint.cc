#include "clients/docker/endpoint.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

namespace kiln::clients::docker {

std::string Endpoint::BaseUrl() const {
  // With CURLOPT_UNIX_SOCKET_PATH the host part is only the Host header.
  if (kind == Kind::kUnix) return "http://localhost";
  return fmt::format("{}://{}:{}", tls ? "https" : "http", host, port);
}

std::string Endpoint::Describe() const {
  if (kind == Kind::kUnix) return "unix://" + socket_path;
  return fmt::format("tcp://{}:{}", host, port);
}

Result<Endpoint> ParseDockerHost(std::string_view docker_host, bool tls, TlsFiles tls_files) {
  if (docker_host.empty()) docker_host = kDefaultDockerHost;
  auto bad = [&](std::string_view why) {
    return std::unexpected(
        MakeError(fmt::format("invalid DOCKER_HOST {:?}", std::string(docker_host)), std::string(why)));
  };
  Endpoint ep;
  if (docker_host.starts_with("unix://")) {
    ep.kind = Endpoint::Kind::kUnix;
    ep.socket_path = docker_host.substr(7);
    if (ep.socket_path.empty()) return bad("unix:// needs a socket path, e.g. unix:///var/run/docker.sock");
    return ep;
  }
  if (!docker_host.starts_with("tcp://"))
    return bad("only unix:// and tcp:// engines are supported (not ssh://, npipe://, fd://)");
  std::string_view rest = docker_host.substr(6);
  // The docker CLI tolerates a trailing path ("tcp://h:2375/"); drop it.
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) rest = rest.substr(0, slash);
  if (rest.empty()) return bad("tcp:// needs a host");

  std::string_view host = rest, port;
  if (rest.front() == '[') {  // [::1]:2375
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("unterminated [ in IPv6 address");
    host = rest.substr(0, close + 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("expected :port after the IPv6 address");
      port = after.substr(1);
    }
  } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return bad("tcp:// needs a host");
  ep.kind = Endpoint::Kind::kTcp;
  ep.host = host;
  ep.port = tls ? 2376 : 2375;
  if (!port.empty()) {
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), ep.port);
    if (ec != std::errc() || end != port.data() + port.size() || ep.port <= 0 || ep.port > 65535)
      return bad(fmt::format("bad port {:?}", std::string(port)));
  }
  ep.tls = tls;
  ep.tls_files = std::move(tls_files);
  return ep;
}

Result<Endpoint> EndpointFromEnv(const std::map<std::string, std::string>& env) {
  auto get = [&](const std::string& name) -> std::string {
    auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
  };
  bool tls = !get("DOCKER_TLS_VERIFY").empty();
  TlsFiles files;
  if (tls) {
    std::string dir = get("DOCKER_CERT_PATH");
    if (dir.empty()) dir = get("HOME") + "/.docker";
    files = {.ca = dir + "/ca.pem", .cert = dir + "/cert.pem", .key = dir + "/key.pem"};
  }
  std::string host = get("DOCKER_HOST");
  Result<Endpoint> ep = ParseDockerHost(host, tls, std::move(files));
  if (ep && tls && ep->kind == Endpoint::Kind::kUnix) ep->tls = false;  // TLS is meaningless on a socket
  return ep;
}

Result<Endpoint> EndpointFromEnv() {
  std::map<std::string, std::string> env;
  for (const char* name : {"DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "HOME"})
    if (const char* v = std::getenv(name)) env[name] = v;
  return EndpointFromEnv(env);
}

}  // namespace kiln::clients::docker
