// Where the Docker engine listens: DOCKER_HOST (unix://path or tcp://host:port)
// and, for TLS, DOCKER_TLS_VERIFY + DOCKER_CERT_PATH, as the docker CLI reads
// them. Pure parsing; nothing here touches the network.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "util/error.h"

namespace kiln::clients::docker {

inline constexpr std::string_view kDefaultDockerHost = "unix:///var/run/docker.sock";

struct TlsFiles {
  std::string ca;    // ca.pem: verifies the engine's certificate
  std::string cert;  // cert.pem: our client certificate
  std::string key;   // key.pem
};

struct Endpoint {
  enum class Kind { kUnix, kTcp };
  Kind kind = Kind::kUnix;
  std::string socket_path;  // kUnix: "/var/run/docker.sock"
  std::string host;         // kTcp: "10.0.0.5" (IPv6 keeps its brackets)
  int port = 0;             // kTcp
  bool tls = false;         // kTcp only: https with `tls_files`
  TlsFiles tls_files;

  // The URL prefix requests go to: "http://localhost" for a socket (curl
  // connects to socket_path), "https://host:port" for TLS over tcp.
  std::string BaseUrl() const;
  // "unix:///var/run/docker.sock", "tcp://host:2376": for error messages.
  std::string Describe() const;
};

// Parses a DOCKER_HOST value; an empty one means kDefaultDockerHost. A tcp
// endpoint without a port gets 2375, or 2376 when `tls` is set. ssh:// and
// npipe:// are refused: only the HTTP transports are implemented.
Result<Endpoint> ParseDockerHost(std::string_view docker_host, bool tls = false, TlsFiles tls_files = {});

// From the environment (`env` maps names to values, e.g. DOCKER_HOST):
// DOCKER_TLS_VERIFY non-empty turns TLS on with the three .pem files from
// DOCKER_CERT_PATH (default $HOME/.docker).
Result<Endpoint> EndpointFromEnv(const std::map<std::string, std::string>& env);
// The same, from this process's environment.
Result<Endpoint> EndpointFromEnv();

}  // namespace kiln::clients::docker
