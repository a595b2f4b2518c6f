// kiln's SigV4 against Packer 1.6.6's (aws-sdk-go) for the same request,
// time and credentials: Packer sends its first EC2 call to a loopback capture
// server; kiln signs the captured request again (same headers, body and
// X-Amz-Date) and the Authorization headers must match byte for byte.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "clients/aws/sigv4.h"
#include "clients/aws/stub_server.h"
#include "docker_world.h"

namespace kiln::testing {
namespace {

using clients::aws::testing::StubReply;
using clients::aws::testing::StubRequest;
using clients::aws::testing::StubServer;

TEST(SigV4Packer, SameSignatureAsPacker166ForTheSameRequest) {
  if (Sh("packer version").output.find("Packer v1.6.6") == std::string::npos)
    GTEST_SKIP() << "Packer 1.6.6 is not installed (scripts/install-deps.sh installs it)";
  StubServer capture([](const StubRequest&) {
    return StubReply{401, "<Response><Errors><Error><Code>AuthFailure</Code><Message>captured</Message></Error>"
                          "</Errors><RequestID>1</RequestID></Response>"};
  });
  std::string dir = ::testing::TempDir() + "/kiln-sigv4-packer";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/t.json") << R"({"builders": [{"type": "amazon-ebs", "region": "eu-west-1",
    "access_key": "AKIDEXAMPLE", "secret_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    "custom_endpoint_ec2": ")" + capture.url() + R"(", "source_ami": "ami-12345678",
    "instance_type": "t2.micro", "communicator": "none", "ami_name": "sig-check-{{timestamp}}"}]})";
  ShellResult packer = Sh("cd " + dir + " && env HOME=" + dir +
                          " AWS_EC2_METADATA_DISABLED=true CHECKPOINT_DISABLE=1 packer build t.json");
  EXPECT_NE(packer.status, 0) << packer.output;
  std::vector<StubRequest> reqs = capture.requests();
  ASSERT_FALSE(reqs.empty()) << "Packer sent nothing to the capture server:\n" << packer.output;
  const StubRequest& req = reqs.front();
  std::printf("Packer's request:\nPOST %s\n", req.target.c_str());
  for (const auto& [k, v] : req.headers) std::printf("%s: %s\n", k.c_str(), v.c_str());
  std::printf("\n%s\n", req.body.c_str());

  // Sign what Packer signed: every header it sent except the signature, User-Agent and the
  // ones Go's transport adds after signing (Accept-Encoding, Connection).
  clients::aws::SigningRequest again{.method = req.method, .path = req.target, .body = req.body};
  for (const auto& [k, v] : req.headers)
    if (strcasecmp(k.c_str(), "Authorization") && strcasecmp(k.c_str(), "User-Agent") &&
        strcasecmp(k.c_str(), "X-Amz-Date") && strcasecmp(k.c_str(), "Accept-Encoding") &&
        strcasecmp(k.c_str(), "Connection"))
      again.headers.emplace_back(k, v);
  std::tm tm{};
  ASSERT_TRUE(strptime(req.header("X-Amz-Date").c_str(), "%Y%m%dT%H%M%SZ", &tm)) << req.header("X-Amz-Date");
  clients::aws::Signature s = clients::aws::SignHeaders(
      again, {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
      {.region = "eu-west-1", .service = "ec2", .time = timegm(&tm)});
  std::printf("kiln's canonical request:\n%s\n", s.canonical_request.c_str());
  EXPECT_EQ(s.added_headers.back().first, "Authorization");
  EXPECT_EQ(s.added_headers.back().second, req.header("Authorization"));
}

}  // namespace
}  // namespace kiln::testing
