// Every case of AWS's SigV4 test suite (aws-c-auth's tests/aws-signing-test-suite/v4,
// Apache-2.0, vendored under tests/fixtures/sigv4): header and query signing,
// compared byte for byte at each stage.
#include "clients/aws/sigv4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace kiln::clients::aws {
namespace {

namespace fs = std::filesystem;

const fs::path kSuite = fs::path(KILN_FIXTURES_DIR) / "sigv4" / "v4";

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::time_t ParseTimestamp(const std::string& iso) {  // "2015-08-30T12:36:00Z"
  std::tm tm{};
  strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return timegm(&tm);
}

KeyValues ParseQuery(std::string_view q) {
  KeyValues out;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view item = q.substr(0, amp);
    size_t eq = item.find('=');
    out.emplace_back(UriDecode(item.substr(0, eq)), eq == std::string_view::npos ? "" : UriDecode(item.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

// request.txt: "METHOD path HTTP/1.1", "Name:value" lines (indented lines
// continue the previous value), a blank line, the body.
SigningRequest ParseRequest(const std::string& text) {
  SigningRequest r;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  size_t sp = line.find(' ');
  r.method = line.substr(0, sp);
  std::string target = line.substr(sp + 1, line.rfind(" HTTP/") - sp - 1);
  size_t qm = target.find('?');
  r.path = target.substr(0, qm);
  if (qm != std::string::npos) r.query = ParseQuery(target.substr(qm + 1));
  while (std::getline(in, line) && !line.empty()) {
    if ((line[0] == ' ' || line[0] == '\t') && !r.headers.empty()) {
      r.headers.back().second += "\n" + line;
      continue;
    }
    size_t colon = line.find(':');
    r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  std::ostringstream rest;
  rest << in.rdbuf();
  r.body = rest.str();
  return r;
}

std::string AuthorizationLine(const std::string& signed_request) {
  std::istringstream in(signed_request);
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with("Authorization:")) return line.substr(14);
  return {};
}

struct Case {
  SigningRequest request;
  Credentials creds;
  SigningParams params;
};

Case LoadCase(const fs::path& dir) {
  nlohmann::json ctx = nlohmann::json::parse(Slurp(dir / "context.json"));
  Case c;
  c.request = ParseRequest(Slurp(dir / "request.txt"));
  c.creds.access_key_id = ctx["credentials"]["access_key_id"];
  c.creds.secret_access_key = ctx["credentials"]["secret_access_key"];
  c.creds.session_token = ctx["credentials"].value("token", "");
  c.params.region = ctx["region"];
  c.params.service = ctx["service"];
  c.params.time = ParseTimestamp(ctx["timestamp"]);
  c.params.normalize_path = ctx.value("normalize", true);
  c.params.sign_body = ctx.value("sign_body", false);
  c.params.omit_session_token = ctx.value("omit_session_token", false);
  c.params.expires_seconds = ctx.value("expiration_in_seconds", 3600);
  return c;
}

std::vector<fs::path> Cases() {
  std::vector<fs::path> dirs;
  for (const fs::directory_entry& e : fs::directory_iterator(kSuite))
    if (e.is_directory()) dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

TEST(SigV4Suite, EveryCaseHeaderSigning) {
  std::vector<fs::path> cases = Cases();
  ASSERT_GE(cases.size(), 38u) << "the vendored suite is missing under " << kSuite;
  int passed = 0;
  for (const fs::path& dir : cases) {
    SCOPED_TRACE(dir.filename().string());
    Case c = LoadCase(dir);
    Signature s = SignHeaders(c.request, c.creds, c.params);
    EXPECT_EQ(s.canonical_request, Slurp(dir / "header-canonical-request.txt"));
    EXPECT_EQ(s.string_to_sign, Slurp(dir / "header-string-to-sign.txt"));
    EXPECT_EQ(s.signature, Slurp(dir / "header-signature.txt"));
    std::string auth;
    for (const auto& [k, v] : s.added_headers)
      if (k == "Authorization") auth = v;
    EXPECT_EQ(auth, AuthorizationLine(Slurp(dir / "header-signed-request.txt")));
    if (!::testing::Test::HasFailure()) ++passed;
  }
  EXPECT_EQ(passed, static_cast<int>(cases.size()));
  std::printf("SigV4 header signing: %d/%zu cases\n", passed, cases.size());
}

TEST(SigV4Suite, EveryCaseQuerySigning) {
  std::vector<fs::path> cases = Cases();
  ASSERT_GE(cases.size(), 38u);
  int passed = 0;
  for (const fs::path& dir : cases) {
    SCOPED_TRACE(dir.filename().string());
    Case c = LoadCase(dir);
    Signature s = SignQuery(c.request, c.creds, c.params);
    EXPECT_EQ(s.canonical_request, Slurp(dir / "query-canonical-request.txt"));
    EXPECT_EQ(s.string_to_sign, Slurp(dir / "query-string-to-sign.txt"));
    EXPECT_EQ(s.signature, Slurp(dir / "query-signature.txt"));
    // The signed request's query: the request's own parameters plus ours.
    std::string signed_request = Slurp(dir / "query-signed-request.txt");
    std::string first = signed_request.substr(0, signed_request.find('\n'));
    size_t qm = first.find('?');
    KeyValues expected = ParseQuery(first.substr(qm + 1, first.rfind(" HTTP/") - qm - 1));
    KeyValues actual = c.request.query;
    actual.insert(actual.end(), s.added_query.begin(), s.added_query.end());
    std::sort(expected.begin(), expected.end());
    std::sort(actual.begin(), actual.end());
    EXPECT_EQ(actual, expected);
    if (!::testing::Test::HasFailure()) ++passed;
  }
  EXPECT_EQ(passed, static_cast<int>(cases.size()));
  std::printf("SigV4 query signing: %d/%zu cases\n", passed, cases.size());
}

TEST(SigV4, UriEncodeKeepsUnreservedOnly) {
  EXPECT_EQ(UriEncode("a b/c~d=e+f"), "a%20b%2Fc~d%3De%2Bf");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(UriEncode("\xe1\x88\xb4"), "%E1%88%B4");
}

}  // namespace
}  // namespace kiln::clients::aws
