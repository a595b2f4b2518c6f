// Functions that read a remote service: vault (VAULT_ADDR, VAULT_TOKEN),
// consul_key (CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN), aws_secretsmanager and
// aws_secretsmanager_raw (the AWS environment: clients/aws/secret_lookup.h).
// When the service cannot be reached the call fails with an error saying
// which address was tried and why.
#include <cstdlib>

#include <curl/curl.h>
#include <fmt/format.h>

#include "clients/aws/secret_lookup.h"
#include "hcl/functions/internal.h"
#include "hcl/value_json.h"

namespace kiln::hcl::functions {

namespace {

const Type kStr = Type::String();

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

size_t Collect(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

struct HttpResult {
  long status = 0;
  std::string body;
};

std::expected<HttpResult, std::string> HttpGet(const std::string& url,
                                               const std::vector<std::string>& headers) {
  CURL* curl = curl_easy_init();
  if (!curl) return std::unexpected("libcurl could not be initialised");
  HttpResult r;
  curl_slist* list = nullptr;
  for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) return std::unexpected(std::string(curl_easy_strerror(rc)));
  return r;
}

FunctionResult Vault(const std::vector<Value>& a) {
  std::string addr = EnvOr("VAULT_ADDR", "https://127.0.0.1:8200");
  std::string path = a[0].AsString();
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  std::vector<std::string> headers;
  if (const char* t = std::getenv("VAULT_TOKEN")) headers.push_back(std::string("X-Vault-Token: ") + t);
  auto r = HttpGet(addr + "/v1/" + path, headers);
  if (!r)
    return FuncErr(-1, fmt::format("could not reach Vault at {} (set VAULT_ADDR and VAULT_TOKEN): {}", addr, r.error()));
  if (r->status != 200)
    return FuncErr(0, fmt::format("Vault at {} answered HTTP {} for \"{}\"", addr, r->status, a[0].AsString()));
  auto v = ParseJSONValue(r->body, "vault response");
  if (!v) return FuncErr(-1, "Vault's answer is not JSON");
  Value data = v->GetAttr("data");
  if (data.HasAttribute("data") && data.GetAttr("data").type().is_object()) data = data.GetAttr("data");  // KV v2
  if (!data.HasAttribute(a[1].AsString()))
    return FuncErr(1, fmt::format("Vault secret \"{}\" has no key \"{}\"", a[0].AsString(), a[1].AsString()));
  Value out = data.GetAttr(a[1].AsString());
  auto s = Convert(out, kStr);
  if (!s) return FuncErr(1, "the secret's value is not a string");
  return *s;
}

FunctionResult ConsulKey(const std::vector<Value>& a) {
  std::string addr = EnvOr("CONSUL_HTTP_ADDR", "127.0.0.1:8500");
  if (addr.find("://") == std::string::npos) addr = "http://" + addr;
  std::vector<std::string> headers;
  if (const char* t = std::getenv("CONSUL_HTTP_TOKEN")) headers.push_back(std::string("X-Consul-Token: ") + t);
  auto r = HttpGet(addr + "/v1/kv/" + a[0].AsString() + "?raw", headers);
  if (!r)
    return FuncErr(-1, fmt::format("could not reach Consul at {} (set CONSUL_HTTP_ADDR): {}", addr, r.error()));
  if (r->status == 404) return FuncErr(0, fmt::format("key \"{}\" does not exist in Consul", a[0].AsString()));
  if (r->status != 200) return FuncErr(0, fmt::format("Consul at {} answered HTTP {}", addr, r->status));
  return Value::String(r->body);
}

// Packer's aws_secretsmanager: a null or empty key means "the only key, or
// the plain text". Usable anywhere, as in Packer (locals, inline).
FunctionResult AwsSecret(const std::vector<Value>& a) {
  if (a[0].AsString().empty()) return FuncErr(0, "a secret name must be given");
  std::string key = a[1].is_null() ? std::string() : a[1].AsString();
  Result<std::string> v = clients::aws::ReadTemplateSecret(a[0].AsString(), key);
  if (!v) return FuncErr(-1, v.error().Message());
  return Value::String(std::move(*v));
}

FunctionResult AwsSecretRaw(const std::vector<Value>& a) {
  if (a[0].AsString().empty()) return FuncErr(0, "a secret name must be given");
  Result<std::string> v = clients::aws::ReadTemplateSecret(a[0].AsString(), std::nullopt);
  if (!v) return FuncErr(-1, v.error().Message());
  return Value::String(std::move(*v));
}

}  // namespace

void AddRemote(FunctionMap& m) {
  m["vault"] = Fn({P("path", kStr), P("key", kStr)}, Vault, kStr);
  m["consul_key"] = Fn({P("key", kStr)}, ConsulKey, kStr);
  m["aws_secretsmanager"] = Fn({P("name", kStr), PNull("key", kStr)}, AwsSecret, kStr);
  m["aws_secretsmanager_raw"] = Fn({P("name", kStr)}, AwsSecretRaw, kStr);
}

}  // namespace kiln::hcl::functions
