#include "clients/docker/registry_auth.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "clients/docker/reference.h"

namespace kiln::clients::docker {
namespace {

TEST(Base64Test, KnownVectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("\xfb\xff", false), "+/8=");
  EXPECT_EQ(Base64Encode("\xfb\xff", true), "-_8=");
  for (const std::string& s : {std::string(), std::string("a"), std::string("abc"), std::string("abcd"),
                               std::string("\0\xff\x10 binary", 10)}) {
    EXPECT_EQ(Base64Decode(Base64Encode(s)), s);
    EXPECT_EQ(Base64Decode(Base64Encode(s, true)), s);
  }
  EXPECT_EQ(Base64Decode("Zm9vYg"), "foob");  // padding optional
  EXPECT_FALSE(Base64Decode("Zm9v!"));
  EXPECT_FALSE(Base64Decode("Z"));
}

TEST(RegistryAuthTest, HeaderIsBase64UrlJson) {
  std::string header = RegistryAuthHeader(RegistryAuth{.username = "u", .password = "p?>>", .server = "r:5000"});
  EXPECT_EQ(header.find_first_of("+/"), std::string::npos);
  std::optional<std::string> json = Base64Decode(header);
  ASSERT_TRUE(json);
  nlohmann::json j = nlohmann::json::parse(*json);
  EXPECT_EQ(j["username"], "u");
  EXPECT_EQ(j["password"], "p?>>");
  EXPECT_EQ(j["serveraddress"], "r:5000");
  EXPECT_EQ(RegistryAuthHeader(std::nullopt), "e30=");  // "{}"
}

TEST(ReferenceTest, Splits) {
  auto check = [](std::string_view ref, std::string repo, std::string tag, std::string digest, std::string query) {
    ImageRef r = ParseImageRef(ref);
    EXPECT_EQ(r.repo, repo) << ref;
    EXPECT_EQ(r.tag, tag) << ref;
    EXPECT_EQ(r.digest, digest) << ref;
    EXPECT_EQ(r.TagOrDigest(), query) << ref;
  };
  check("debian", "debian", "", "", "latest");
  check("debian:bookworm", "debian", "bookworm", "", "bookworm");
  check("localhost:5000/team/app", "localhost:5000/team/app", "", "", "latest");
  check("localhost:5000/team/app:1.2", "localhost:5000/team/app", "1.2", "", "1.2");
  check("debian@sha256:abc", "debian", "", "sha256:abc", "sha256:abc");
  check("r:1/x:t@sha256:abc", "r:1/x", "t", "sha256:abc", "sha256:abc");
}

}  // namespace
}  // namespace kiln::clients::docker
