// The EC2 client and its waiters against a loopback stub server: the slow
// and failing paths moto cannot show (pending for a while, a failed image,
// InvalidInstanceID.NotFound at first, throttling, 5xx), plus signing,
// error decoding and cancellation.
#include "clients/aws/ec2_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "clients/aws/stub_server.h"
#include "clients/aws/waiters.h"

namespace kiln::clients::aws {
namespace {

using testing::StubReply;
using testing::StubRequest;
using testing::StubServer;

std::string Instances(const std::string& id, const std::string& state, const std::string& reason = "") {
  return "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><reservationSet><item>"
         "<instancesSet><item><instanceId>" + id + "</instanceId><instanceState><name>" + state +
         "</name></instanceState>" +
         (reason.empty() ? "" : "<stateReason><code>" + reason + "</code><message>" + reason + ": boom</message></stateReason>") +
         "<ipAddress>203.0.113.7</ipAddress></item></instancesSet></item></reservationSet></DescribeInstancesResponse>";
}

std::string Images(const std::string& id, const std::string& state, const std::string& reason = "") {
  return "<DescribeImagesResponse><imagesSet><item><imageId>" + id + "</imageId><imageState>" + state +
         "</imageState>" + (reason.empty() ? "" : "<stateReason><code>Client.Error</code><message>" + reason +
                                                      "</message></stateReason>") +
         "<blockDeviceMapping><item><ebs><snapshotId>snap-1</snapshotId></ebs></item></blockDeviceMapping>"
         "</item></imagesSet></DescribeImagesResponse>";
}

std::string ErrorXml(const std::string& code, const std::string& message) {
  return "<Response><Errors><Error><Code>" + code + "</Code><Message>" + message +
         "</Message></Error></Errors><RequestID>req-1</RequestID></Response>";
}

Ec2Client Client(const StubServer& server) {
  return Ec2Client(ClientOptions{.region = "us-east-1",
                                 .endpoint = server.url(),
                                 .creds = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
                                 .max_retries = 3,
                                 .retry_base = std::chrono::milliseconds(10)});
}

const WaitOptions kQuick{.delay = std::chrono::milliseconds(20), .max_attempts = 10};

TEST(Ec2Waiters, InstancePendingForAWhileThenRunning) {
  std::atomic<int> polls = 0;
  StubServer server([&](const StubRequest&) {
    return StubReply{200, Instances("i-1", ++polls < 4 ? "pending" : "running")};
  });
  CancelToken cancel;
  ApiResult<Instance> r = WaitForInstance(Client(server), "i-1", "running", kQuick, cancel);
  ASSERT_TRUE(r) << r.error().ToError().Message();
  EXPECT_EQ(r->state, "running");
  EXPECT_EQ(r->public_ip, "203.0.113.7");
  EXPECT_EQ(polls, 4);
  for (const StubRequest& req : server.requests()) {
    EXPECT_EQ(req.form.at("Action"), "DescribeInstances");
    EXPECT_EQ(req.form.at("InstanceId.1"), "i-1");
  }
}

TEST(Ec2Waiters, InstanceNotFoundAtFirstIsRetried) {
  std::atomic<int> polls = 0;
  StubServer server([&](const StubRequest&) {
    if (++polls <= 2)
      return StubReply{400, ErrorXml("InvalidInstanceID.NotFound", "The instance ID 'i-1' does not exist")};
    return StubReply{200, Instances("i-1", "running")};
  });
  CancelToken cancel;
  ApiResult<Instance> r = WaitForInstance(Client(server), "i-1", "running", kQuick, cancel);
  ASSERT_TRUE(r) << r.error().ToError().Message();
  EXPECT_EQ(polls, 3);
}

TEST(Ec2Waiters, InstanceTerminatedWhileStartingFails) {
  StubServer server([&](const StubRequest&) {
    return StubReply{200, Instances("i-1", "terminated", "Server.InternalError")};
  });
  CancelToken cancel;
  ApiResult<Instance> r = WaitForInstance(Client(server), "i-1", "running", kQuick, cancel);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().ToError().Message(),
            "EC2 DescribeInstances: WaiterFailed: instance i-1 went to state 'terminated' while waiting for "
            "'running': Server.InternalError: Server.InternalError: boom");
  EXPECT_EQ(server.requests().size(), 1u) << "a failure state stops the waiter at once";
}

TEST(Ec2Waiters, FailedImageFailsWithItsReason) {
  std::atomic<int> polls = 0;
  StubServer server([&](const StubRequest&) {
    return StubReply{200, ++polls < 3 ? Images("ami-1", "pending") : Images("ami-1", "failed", "snapshot error")};
  });
  CancelToken cancel;
  ApiResult<Image> r = WaitForImageAvailable(Client(server), "ami-1", kQuick, cancel);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "WaiterFailed");
  EXPECT_EQ(r.error().message, "AMI ami-1 is 'failed': Client.Error: snapshot error");
  EXPECT_EQ(polls, 3);
}

TEST(Ec2Waiters, GivesUpAfterMaxAttempts) {
  StubServer server([&](const StubRequest&) { return StubReply{200, Images("ami-1", "pending")}; });
  CancelToken cancel;
  ApiResult<Image> r =
      WaitForImageAvailable(Client(server), "ami-1", {.delay = std::chrono::milliseconds(5), .max_attempts = 4}, cancel);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "ResourceNotReady");
  EXPECT_EQ(server.requests().size(), 4u);
}

TEST(Ec2Waiters, CancelStopsTheWait) {
  StubServer server([&](const StubRequest&) { return StubReply{200, Images("ami-1", "pending")}; });
  CancelToken cancel;
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    cancel.Cancel();
  });
  auto start = std::chrono::steady_clock::now();
  ApiResult<Image> r = WaitForImageAvailable(Client(server), "ami-1", {.delay = std::chrono::seconds(30)}, cancel);
  t.join();
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().cancelled());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(Ec2Waiters, PollingOptionsFromTemplateThenEnvironment) {
  ::setenv("AWS_POLL_DELAY_SECONDS", "3", 1);
  ::setenv("AWS_MAX_ATTEMPTS", "7", 1);
  WaitOptions env = MakeWaitOptions(std::nullopt, std::nullopt);
  EXPECT_EQ(env.delay, std::chrono::seconds(3));
  EXPECT_EQ(env.max_attempts, 7);
  WaitOptions tmpl = MakeWaitOptions(5, 9);
  EXPECT_EQ(tmpl.delay, std::chrono::seconds(5));
  EXPECT_EQ(tmpl.max_attempts, 9);
  ::unsetenv("AWS_POLL_DELAY_SECONDS");
  ::unsetenv("AWS_MAX_ATTEMPTS");
  WaitOptions defaults = MakeWaitOptions(std::nullopt, std::nullopt);
  EXPECT_EQ(defaults.delay, std::chrono::seconds(15));
  EXPECT_EQ(defaults.max_attempts, 40);
}

TEST(Ec2Client, ThrottlingAnd5xxAreRetried) {
  std::atomic<int> calls = 0;
  StubServer server([&](const StubRequest&) {
    int n = ++calls;
    if (n == 1) return StubReply{503, ErrorXml("RequestLimitExceeded", "Request limit exceeded.")};
    if (n == 2) return StubReply{500, ErrorXml("InternalError", "An internal error has occurred")};
    return StubReply{200, Images("ami-1", "available")};
  });
  CancelToken cancel;
  ApiResult<Xml> r = Client(server).Call("DescribeImages", {}, cancel);
  ASSERT_TRUE(r) << r.error().ToError().Message();
  EXPECT_EQ(calls, 3);
}

TEST(Ec2Client, ThrottlingBeyondMaxRetriesIsTheError) {
  StubServer server([&](const StubRequest&) {
    return StubReply{400, ErrorXml("Throttling", "Rate exceeded")};
  });
  CancelToken cancel;
  ApiResult<Xml> r = Client(server).Call("DescribeImages", {}, cancel);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().ToError().Message(), "EC2 DescribeImages: Throttling: Rate exceeded (request req-1)");
  EXPECT_EQ(server.requests().size(), 4u) << "one call and max_retries=3 retries";
}

TEST(Ec2Client, AuthFailureIsNotRetriedAndKeepsCodeAndMessage) {
  StubServer server([&](const StubRequest&) {
    return StubReply{401, "<?xml version=\"1.0\"?><ErrorResponse><Errors><Error><Code>AuthFailure</Code><Message>AWS "
                          "was not able to validate the provided access credentials</Message></Error></Errors>"
                          "</ErrorResponse>"};
  });
  CancelToken cancel;
  ApiResult<Xml> r = Client(server).Call("DescribeRegions", {}, cancel);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "AuthFailure");
  EXPECT_EQ(r.error().ToError().Message(),
            "EC2 DescribeRegions: AuthFailure: AWS was not able to validate the provided access credentials");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(Ec2Client, SignsTheRequestItSends) {
  StubServer server([&](const StubRequest&) { return StubReply{200, "<DescribeRegionsResponse/>"}; });
  ClientOptions o{.region = "eu-west-1",
                  .endpoint = server.url(),
                  .creds = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token"},
                  .now = [] { return std::time_t{1440938160}; }};  // 2015-08-30T12:36:00Z
  CancelToken cancel;
  Params p;
  AddFilters(p, {{"name", {"ubuntu/*", "debian *"}}});
  ASSERT_TRUE(Ec2Client(o).Call("DescribeImages", p, cancel));
  std::vector<StubRequest> reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  const StubRequest& req = reqs[0];
  EXPECT_EQ(req.body,
            "Action=DescribeImages&Version=2016-11-15&Filter.1.Name=name&Filter.1.Value.1=ubuntu%2F%2A&"
            "Filter.1.Value.2=debian+%2A");
  EXPECT_EQ(req.header("X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(req.header("X-Amz-Security-Token"), "session-token");
  // Recompute the signature from what arrived.
  SigningRequest again{.method = "POST",
                       .path = "/",
                       .headers = {{"Content-Length", req.header("Content-Length")},
                                   {"Content-Type", req.header("Content-Type")},
                                   {"Host", req.header("Host")}},
                       .body = req.body};
  Signature s = SignHeaders(again, o.creds, {.region = "eu-west-1", .service = "ec2", .time = 1440938160});
  EXPECT_EQ(req.header("Authorization"), s.added_headers.back().second);
  EXPECT_NE(req.header("Authorization").find("/20150830/eu-west-1/ec2/aws4_request, SignedHeaders=content-length;"
                                             "content-type;host;x-amz-date;x-amz-security-token, Signature="),
            std::string::npos)
      << req.header("Authorization");
}

}  // namespace
}  // namespace kiln::clients::aws
