// The Secrets Manager client against a loopback stub server (the request's
// shape, error decoding, retries), and Packer's choice of value from a
// secret string. The real thing, moto, is in tests/aws_secrets_test.cc.
#include "clients/aws/secrets_manager_client.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "clients/aws/secret_lookup.h"
#include "clients/aws/stub_server.h"

namespace kiln::clients::aws {
namespace {

using testing::StubReply;
using testing::StubRequest;
using testing::StubServer;

SecretsManagerClient Client(const StubServer& server) {
  return SecretsManagerClient(SecretsManagerOptions{.region = "eu-west-1",
                                                    .endpoint = server.url(),
                                                    .creds = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
                                                    .retry_base = std::chrono::milliseconds(5)});
}

TEST(SecretsManagerClient, GetSecretValueRequestShape) {
  StubServer server([](const StubRequest&) {
    return StubReply{200, R"({"ARN":"arn:aws:secretsmanager:eu-west-1:1:secret:db-AbCdEf","Name":"db",)"
                          R"("VersionId":"v-1","SecretString":"{\"pw\":\"x\"}","VersionStages":["AWSCURRENT"]})"};
  });
  CancelToken cancel;
  ApiResult<SecretValue> v = Client(server).GetSecretValue("db", cancel);
  ASSERT_TRUE(v) << v.error().code << ": " << v.error().message;
  EXPECT_EQ(v->name, "db");
  EXPECT_EQ(v->arn, "arn:aws:secretsmanager:eu-west-1:1:secret:db-AbCdEf");
  EXPECT_EQ(v->version_id, "v-1");
  EXPECT_EQ(v->secret_string, R"({"pw":"x"})");

  std::vector<StubRequest> requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const StubRequest& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/");
  EXPECT_EQ(r.header("X-Amz-Target"), "secretsmanager.GetSecretValue");
  EXPECT_EQ(r.header("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(nlohmann::json::parse(r.body), (nlohmann::json{{"SecretId", "db"}, {"VersionStage", "AWSCURRENT"}}));
  std::string auth = r.header("Authorization");
  EXPECT_TRUE(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")) << auth;
  EXPECT_NE(auth.find("/eu-west-1/secretsmanager/aws4_request"), std::string::npos) << auth;
  EXPECT_NE(auth.find("x-amz-target"), std::string::npos) << "the target is signed: " << auth;
  EXPECT_FALSE(r.header("X-Amz-Date").empty());
}

TEST(SecretsManagerClient, BinarySecretHasNoString) {
  StubServer server([](const StubRequest&) {
    return StubReply{200, R"({"Name":"bin","SecretBinary":"AAE="})"};
  });
  CancelToken cancel;
  ApiResult<SecretValue> v = Client(server).GetSecretValue("bin", cancel);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->secret_string);
}

TEST(SecretsManagerClient, ApiErrorIsDecodedAndNotRetried) {
  StubServer server([](const StubRequest&) {
    return StubReply{400, R"({"__type":"com.amazonaws.secretsmanager#ResourceNotFoundException",)"
                          R"("message":"Secrets Manager can't find the specified secret."})"};
  });
  CancelToken cancel;
  ApiResult<SecretValue> v = Client(server).GetSecretValue("nope", cancel);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, "ResourceNotFoundException");
  EXPECT_EQ(v.error().message, "Secrets Manager can't find the specified secret.");
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(SecretsManagerClient, XmlErrorIsDecoded) {
  StubServer server([](const StubRequest&) {
    return StubReply{403, "<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code>"
                          "<Message>bad signature</Message></Error></Errors></ErrorResponse>"};
  });
  CancelToken cancel;
  ApiResult<SecretValue> v = Client(server).GetSecretValue("db", cancel);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, "SignatureDoesNotMatch");
  EXPECT_EQ(v.error().message, "bad signature");
}

TEST(SecretsManagerClient, ServerErrorsAndThrottlingAreRetried) {
  std::atomic<int> calls = 0;
  StubServer server([&](const StubRequest&) {
    int n = ++calls;
    if (n == 1) return StubReply{500, R"({"__type":"InternalServiceError","message":"boom"})"};
    if (n == 2) return StubReply{400, R"({"__type":"ThrottlingException","message":"slow down"})"};
    return StubReply{200, R"({"Name":"db","SecretString":"ok"})"};
  });
  CancelToken cancel;
  ApiResult<SecretValue> v = Client(server).GetSecretValue("db", cancel);
  ASSERT_TRUE(v) << v.error().code;
  EXPECT_EQ(v->secret_string, "ok");
  EXPECT_EQ(calls, 3);
}

TEST(SecretsManagerClient, UnreachableEndpointIsARequestError) {
  int port;
  {
    StubServer gone([](const StubRequest&) { return StubReply{}; });
    port = std::stoi(gone.url().substr(std::string("http://127.0.0.1:").size()));
  }
  SecretsManagerClient client(SecretsManagerOptions{.region = "us-east-1",
                                                    .endpoint = "http://127.0.0.1:" + std::to_string(port),
                                                    .creds = {"AKID", "SECRET"},
                                                    .max_retries = 1,
                                                    .retry_base = std::chrono::milliseconds(5)});
  CancelToken cancel;
  ApiResult<SecretValue> v = client.GetSecretValue("db", cancel);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, "RequestError");
  EXPECT_NE(v.error().message.find("onnect"), std::string::npos) << v.error().message;
}

TEST(SecretsManagerClient, Endpoints) {
  EXPECT_EQ(SecretsManagerClient({.region = "us-east-1"}).Url(), "https://secretsmanager.us-east-1.amazonaws.com/");
  EXPECT_EQ(SecretsManagerClient({.region = "cn-north-1"}).Url(),
            "https://secretsmanager.cn-north-1.amazonaws.com.cn/");
  EXPECT_EQ(SecretsManagerClient({.region = "us-east-1", .endpoint = "http://127.0.0.1:5000"}).Url(),
            "http://127.0.0.1:5000/");
  EXPECT_EQ(SecretsManagerClient({.region = "us-east-1", .endpoint = "sm.example.com"}).Url(),
            "https://sm.example.com/");

  unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  unsetenv("AWS_ENDPOINT_URL_SECRETS_MANAGER");
  unsetenv("AWS_ENDPOINT_URL");
  EXPECT_EQ(SecretsManagerEndpointFromEnv(), "");
  setenv("AWS_ENDPOINT_URL", "http://all:1", 1);
  EXPECT_EQ(SecretsManagerEndpointFromEnv(), "http://all:1");
  setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://sm:2", 1);
  EXPECT_EQ(SecretsManagerEndpointFromEnv(), "http://sm:2");
  setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
  EXPECT_EQ(SecretsManagerEndpointFromEnv(), "");
  unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  unsetenv("AWS_ENDPOINT_URL_SECRETS_MANAGER");
  unsetenv("AWS_ENDPOINT_URL");
}

std::string Select(std::string_view secret, std::string_view key) {
  Result<std::string> r = SelectSecretValue("s", secret, key);
  return r ? *r : "error: " + r.error().Message();
}

TEST(SecretLookup, SelectsAsPackerDoes) {
  // A key of a JSON object.
  EXPECT_EQ(Select(R"({"test":"kitchen","shell":"powershell"})", "shell"), "powershell");
  EXPECT_EQ(Select(R"({"port":5432,"ratio":1.5,"big":1e3})", "port"), "5432");
  EXPECT_EQ(Select(R"({"port":5432,"ratio":1.5,"big":1e3})", "ratio"), "1.5");
  EXPECT_EQ(Select(R"({"port":5432,"ratio":1.5,"big":1e3})", "big"), "1000");
  // No key: the only key's value, or plain text as it is.
  EXPECT_EQ(Select(R"({"only":"one"})", ""), "one");
  EXPECT_EQ(Select("plain text", ""), "plain text");
  EXPECT_EQ(Select("12345", ""), "12345");
  EXPECT_EQ(Select(R"(["a"])", ""), R"(["a"])");
  EXPECT_EQ(Select("", ""), "");
}

TEST(SecretLookup, SelectErrorsNameTheSecretAndKey) {
  EXPECT_EQ(Select(R"({"a":"1","b":"2"})", "c"), R"(error: secret "s" has no key "c" (its keys: "a", "b"))");
  EXPECT_EQ(Select(R"({"a":"1","b":"2"})", ""),
            R"(error: secret "s" has 2 keys ("a", "b") and no key was given: name the one to read)");
  EXPECT_EQ(Select("{}", ""), R"(error: secret "s" is an empty JSON object: it has no value to read)");
  EXPECT_EQ(Select("plain", "k"),
            R"(error: secret "s" is not a JSON object, so it has no key "k": give an empty or null key to read )"
            R"(the whole value)");
  EXPECT_EQ(Select(R"({"on":true})", "on"),
            R"(error: the value of key "on" in secret "s" is a boolean, not a string or a number)");
  EXPECT_EQ(Select(R"({"n":null})", "n"), R"(error: the value of key "n" in secret "s" is null, not a string or a number)");
  EXPECT_EQ(Select(R"({"o":{"x":1}})", "o"),
            R"(error: the value of key "o" in secret "s" is an object, not a string or a number)");
}

TEST(SecretLookup, EmptyNameIsAnError) {
  Result<std::string> r = ReadTemplateSecret("", "k");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().Message(), "a secret name must be given");
}

}  // namespace
}  // namespace kiln::clients::aws
