#include "clients/aws/sigv4.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace kiln::clients::aws {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 0xf]);
  }
  return out;
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trims, and folds every run of whitespace (folded header lines included)
// into one space.
std::string CanonicalValue(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// Headers SDKs never sign: they change in transit or are the signature.
bool Unsigned(std::string_view lower_name) {
  return lower_name == "authorization" || lower_name == "user-agent" || lower_name == "x-amzn-trace-id" ||
         lower_name == "expect" || lower_name == "transfer-encoding";
}

std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    i = j + 1;
  }
  std::string out;
  for (std::string_view seg : segments) out += "/" + std::string(seg);
  bool trailing = path.ends_with("/") || path.ends_with("/.") || path.ends_with("/..");
  if (out.empty()) return "/";
  if (trailing) out += "/";
  return out;
}

struct Canonical {
  std::string request;
  std::string signed_headers;
};

// `extra_headers` join the request's own; `query` is the full decoded query.
Canonical CanonicalRequest(const SigningRequest& r, const KeyValues& extra_headers, const KeyValues& query,
                           const SigningParams& params, std::string_view payload_hash) {
  std::map<std::string, std::string> headers;  // lower name -> values joined by ','
  auto add = [&](const std::pair<std::string, std::string>& h) {
    std::string name = Lower(h.first);
    if (Unsigned(name)) return;
    std::string value = CanonicalValue(h.second);
    auto [it, inserted] = headers.try_emplace(name, value);
    if (!inserted) it->second += "," + value;
  };
  for (const auto& h : r.headers) add(h);
  for (const auto& h : extra_headers) add(h);

  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& [k, v] : query) encoded.emplace_back(UriEncode(k), UriEncode(v));
  std::sort(encoded.begin(), encoded.end());

  Canonical c;
  std::string path = r.path.empty() ? "/" : r.path;
  if (params.normalize_path) path = NormalizePath(path);
  c.request = r.method + "\n" + UriEncode(path, true) + "\n";
  for (size_t i = 0; i < encoded.size(); ++i)
    c.request += (i ? "&" : "") + encoded[i].first + "=" + encoded[i].second;
  c.request += "\n";
  for (const auto& [name, value] : headers) {
    c.request += name + ":" + value + "\n";
    c.signed_headers += (c.signed_headers.empty() ? "" : ";") + name;
  }
  c.request += "\n" + c.signed_headers + "\n" + std::string(payload_hash);
  return c;
}

std::string Scope(const SigningParams& p) { return AmzDate(p.time).substr(0, 8) + "/" + p.region + "/" + p.service + "/aws4_request"; }

void Finish(Signature& s, const Credentials& creds, const SigningParams& p) {
  s.string_to_sign = fmt::format("{}\n{}\n{}\n{}", kAlgorithm, AmzDate(p.time), Scope(p), Sha256Hex(s.canonical_request));
  std::string key = Hmac("AWS4" + creds.secret_access_key, AmzDate(p.time).substr(0, 8));
  key = Hmac(key, p.region);
  key = Hmac(key, p.service);
  key = Hmac(key, "aws4_request");
  std::string mac = Hmac(key, s.string_to_sign);
  s.signature = Hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
}

}  // namespace

std::string UriEncode(std::string_view s, bool keep_slash) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string UriDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  return Hex(out, sizeof out);
}

std::string AmzDate(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

Signature SignHeaders(const SigningRequest& r, const Credentials& creds, const SigningParams& p) {
  Signature s;
  std::string payload_hash = Sha256Hex(r.body);
  s.added_headers.emplace_back("X-Amz-Date", AmzDate(p.time));
  bool token = !creds.session_token.empty();
  if (token && !p.omit_session_token) s.added_headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  if (p.sign_body) s.added_headers.emplace_back("x-amz-content-sha256", payload_hash);
  Canonical c = CanonicalRequest(r, s.added_headers, r.query, p, payload_hash);
  s.canonical_request = c.request;
  Finish(s, creds, p);
  if (token && p.omit_session_token) s.added_headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  s.added_headers.emplace_back(
      "Authorization", fmt::format("{} Credential={}/{}, SignedHeaders={}, Signature={}", kAlgorithm,
                                   creds.access_key_id, Scope(p), c.signed_headers, s.signature));
  return s;
}

Signature SignQuery(const SigningRequest& r, const Credentials& creds, const SigningParams& p) {
  Signature s;
  // The signed headers are known before the query that names them.
  Canonical headers_only = CanonicalRequest(r, {}, {}, p, "");
  bool token = !creds.session_token.empty();
  s.added_query = {
      {"X-Amz-Algorithm", std::string(kAlgorithm)},
      {"X-Amz-Credential", creds.access_key_id + "/" + Scope(p)},
      {"X-Amz-Date", AmzDate(p.time)},
      {"X-Amz-SignedHeaders", headers_only.signed_headers},
      {"X-Amz-Expires", std::to_string(p.expires_seconds)},
  };
  if (token && !p.omit_session_token) s.added_query.emplace_back("X-Amz-Security-Token", creds.session_token);
  KeyValues query = r.query;
  query.insert(query.end(), s.added_query.begin(), s.added_query.end());
  Canonical c = CanonicalRequest(r, {}, query, p, Sha256Hex(r.body));
  s.canonical_request = c.request;
  Finish(s, creds, p);
  if (token && p.omit_session_token) s.added_query.emplace_back("X-Amz-Security-Token", creds.session_token);
  s.added_query.emplace_back("X-Amz-Signature", s.signature);
  return s;
}

}  // namespace kiln::clients::aws
