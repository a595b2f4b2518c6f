// AWS Signature Version 4, by hand on OpenSSL: the canonical request, the
// string to sign, the derived signing key and the signature, for header
// signing (Authorization) and query signing (presigned URLs). Pure functions
// of their inputs (the time is a parameter), so AWS's published test suite
// checks them byte for byte (sigv4_test.cc).
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiln::clients::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
  std::string source;         // where they came from, for messages ("environment", "template")
};

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// A request as it will be sent. `path` and the query are *decoded* (raw)
// text: the signer percent-encodes them as SigV4 requires.
struct SigningRequest {
  std::string method = "GET";
  std::string path = "/";
  KeyValues query;    // in request order, decoded
  KeyValues headers;  // as sent, in order; "Host" must be among them
  std::string body;
};

struct SigningParams {
  std::string region;
  std::string service;
  std::time_t time = 0;      // seconds since the epoch, UTC
  bool normalize_path = true;  // remove dot segments and repeated slashes (all services but S3)
  bool sign_body = false;      // add x-amz-content-sha256 (header signing only)
  // The session token is sent but not signed (an old STS convention).
  bool omit_session_token = false;
  int expires_seconds = 3600;  // query signing: X-Amz-Expires
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;  // lower-case hex
  // What to add to the request: headers (header signing) or query
  // parameters (query signing), in the order AWS's SDKs add them.
  KeyValues added_headers;
  KeyValues added_query;
};

// Header signing: X-Amz-Date, X-Amz-Security-Token, (x-amz-content-sha256),
// Authorization.
Signature SignHeaders(const SigningRequest& request, const Credentials& creds, const SigningParams& params);
// Query signing: X-Amz-Algorithm ... X-Amz-Signature.
Signature SignQuery(const SigningRequest& request, const Credentials& creds, const SigningParams& params);

// Building blocks, exposed for tests and the EC2 client.
// RFC 3986 encoding: unreserved characters stay, everything else is %XX
// (upper case); '/' stays when `keep_slash`.
std::string UriEncode(std::string_view s, bool keep_slash = false);
std::string UriDecode(std::string_view s);
std::string Sha256Hex(std::string_view data);
// "20150830T123600Z".
std::string AmzDate(std::time_t t);

}  // namespace kiln::clients::aws
