#include "clients/docker/endpoint.h"

#include <gtest/gtest.h>

namespace kiln::clients::docker {
namespace {

TEST(EndpointTest, DefaultIsTheSocket) {
  Result<Endpoint> ep = ParseDockerHost("");
  ASSERT_TRUE(ep) << ep.error().Message();
  EXPECT_EQ(ep->kind, Endpoint::Kind::kUnix);
  EXPECT_EQ(ep->socket_path, "/var/run/docker.sock");
  EXPECT_EQ(ep->BaseUrl(), "http://localhost");
  EXPECT_EQ(ep->Describe(), "unix:///var/run/docker.sock");
}

TEST(EndpointTest, UnixPath) {
  Result<Endpoint> ep = ParseDockerHost("unix:///run/user/1000/docker.sock");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->socket_path, "/run/user/1000/docker.sock");
}

TEST(EndpointTest, Tcp) {
  Result<Endpoint> ep = ParseDockerHost("tcp://10.0.0.5:2375");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->kind, Endpoint::Kind::kTcp);
  EXPECT_EQ(ep->host, "10.0.0.5");
  EXPECT_EQ(ep->port, 2375);
  EXPECT_EQ(ep->BaseUrl(), "http://10.0.0.5:2375");
  EXPECT_FALSE(ep->tls);
}

TEST(EndpointTest, TcpDefaultPortsAndTls) {
  EXPECT_EQ(ParseDockerHost("tcp://docker.example")->port, 2375);
  Result<Endpoint> ep = ParseDockerHost("tcp://docker.example/", true, {.ca = "c", .cert = "t", .key = "k"});
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->port, 2376);
  EXPECT_EQ(ep->BaseUrl(), "https://docker.example:2376");
  EXPECT_EQ(ep->tls_files.key, "k");
}

TEST(EndpointTest, Ipv6) {
  Result<Endpoint> ep = ParseDockerHost("tcp://[::1]:2376");
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->host, "[::1]");
  EXPECT_EQ(ep->port, 2376);
  EXPECT_EQ(ep->BaseUrl(), "http://[::1]:2376");
}

TEST(EndpointTest, Refused) {
  for (const char* bad : {"ssh://user@host", "npipe:////./pipe/docker_engine", "tcp://", "tcp://h:99999", "tcp://h:abc",
                          "unix://", "localhost:2375"}) {
    Result<Endpoint> ep = ParseDockerHost(bad);
    EXPECT_FALSE(ep) << bad;
    if (!ep) {
      EXPECT_TRUE(ep.error().summary.starts_with("invalid DOCKER_HOST")) << ep.error().Message();
    }
  }
}

TEST(EndpointTest, FromEnvWithTls) {
  Result<Endpoint> ep =
      EndpointFromEnv({{"DOCKER_HOST", "tcp://d:1234"}, {"DOCKER_TLS_VERIFY", "1"}, {"DOCKER_CERT_PATH", "/certs"}});
  ASSERT_TRUE(ep);
  EXPECT_TRUE(ep->tls);
  EXPECT_EQ(ep->tls_files.ca, "/certs/ca.pem");
  EXPECT_EQ(ep->tls_files.cert, "/certs/cert.pem");
  EXPECT_EQ(ep->tls_files.key, "/certs/key.pem");
  EXPECT_EQ(ep->BaseUrl(), "https://d:1234");

  ep = EndpointFromEnv({{"DOCKER_HOST", "tcp://d"}, {"DOCKER_TLS_VERIFY", "1"}, {"HOME", "/home/u"}});
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->port, 2376);
  EXPECT_EQ(ep->tls_files.ca, "/home/u/.docker/ca.pem");

  ep = EndpointFromEnv({});
  ASSERT_TRUE(ep);
  EXPECT_EQ(ep->Describe(), "unix:///var/run/docker.sock");
}

}  // namespace
}  // namespace kiln::clients::docker
