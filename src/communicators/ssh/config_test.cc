#include "communicators/ssh/config.h"

#include <gtest/gtest.h>

namespace kiln::communicators::ssh {
namespace {

TEST(SshTunnelSpec, ThreeFieldsListenOnLocalhost) {
  std::expected<Tunnel, std::string> t = ParseTunnel("8080:example.com:80");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->spec, "8080:example.com:80");
  EXPECT_EQ(t->bind_address, "localhost");
  EXPECT_EQ(t->port, 8080);
  EXPECT_EQ(t->host, "example.com");
  EXPECT_EQ(t->host_port, 80);
}

TEST(SshTunnelSpec, BindAddressesIncludingBracketedIpv6) {
  std::expected<Tunnel, std::string> t = ParseTunnel("0.0.0.0:1:10.0.0.5:65535");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->bind_address, "0.0.0.0");
  EXPECT_EQ(t->port, 1);
  EXPECT_EQ(t->host, "10.0.0.5");
  EXPECT_EQ(t->host_port, 65535);

  t = ParseTunnel("[::1]:8080:[fe80::1]:22");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->bind_address, "::1");
  EXPECT_EQ(t->host, "fe80::1");
  EXPECT_EQ(t->host_port, 22);

  t = ParseTunnel(":8080:localhost:80");  // every interface, as in OpenSSH
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->bind_address, "");
  t = ParseTunnel("*:8080:localhost:80");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->bind_address, "*");
}

TEST(SshTunnelSpec, MalformedEntriesSayWhy) {
  struct Case {
    const char* spec;
    const char* why;
  };
  for (Case c : {
           Case{"8080", "expected [bind_address:]port:host:hostport"},
           Case{"8080:localhost", "expected [bind_address:]port:host:hostport"},
           Case{"a:b:8080:localhost:80", "expected [bind_address:]port:host:hostport"},
           Case{"", "expected [bind_address:]port:host:hostport"},
           Case{"http:localhost:80", "'http' is not a port (1-65535)"},
           Case{"0:localhost:80", "'0' is not a port (1-65535)"},
           Case{"8080:localhost:65536", "'65536' is not a port (1-65535)"},
           Case{"8080:localhost:-1", "'-1' is not a port (1-65535)"},
           Case{"8080::80", "the host to connect to is empty"},
           Case{"[::1:8080:localhost:80", "'[' without a closing ']'"},
           Case{"[::1]x:8080:localhost:80", "'x' after ']' (expected ':')"},
       }) {
    std::expected<Tunnel, std::string> t = ParseTunnel(c.spec);
    ASSERT_FALSE(t) << c.spec;
    EXPECT_EQ(t.error(), c.why) << c.spec;
  }
}

}  // namespace
}  // namespace kiln::communicators::ssh
