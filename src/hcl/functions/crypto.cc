// Hash and crypto functions (OpenSSL): md5, sha1, sha256, sha512,
// base64sha256/512, file* hashes, bcrypt (libcrypt's $2b$, loaded at run
// time), rsadecrypt, uuidv4 (also "uuid"), uuidv5.
#include <dlfcn.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <fmt/format.h>

#include "hcl/functions/internal.h"

namespace kiln::hcl::functions {

namespace {

const Type kStr = Type::String();

std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Hex(std::string_view raw) {
  std::string out;
  for (unsigned char c : raw) out += fmt::format("{:02x}", c);
  return out;
}

Function HexHash(const EVP_MD* (*md)()) {
  return Fn({P("str", kStr)}, [md](const std::vector<Value>& a) -> FunctionResult { return Value::String(Hex(Digest(md(), a[0].AsString()))); }, kStr);
}
Function B64Hash(const EVP_MD* (*md)()) {
  return Fn({P("str", kStr)}, [md](const std::vector<Value>& a) -> FunctionResult { return Value::String(Base64Encode(Digest(md(), a[0].AsString()))); }, kStr);
}
Function FileHash(const FunctionOptions& opts, const EVP_MD* (*md)(), bool b64) {
  return Fn({P("path", kStr)},
            [opts, md, b64](const std::vector<Value>& a) -> FunctionResult {
              auto data = ReadFileArg(opts, a[0].AsString(), 0);
              if (!data) return std::unexpected(data.error());
              std::string d = Digest(md(), *data);
              return Value::String(b64 ? Base64Encode(d) : Hex(d));
            },
            kStr);
}

std::string FormatUuid(const unsigned char* b) {
  std::string h = Hex(std::string_view(reinterpret_cast<const char*>(b), 16));
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::optional<std::string> ParseUuid(const std::string& s) {
  std::string hex;
  for (char c : s)
    if (c != '-') hex += c;
  if (hex.size() != 32) return std::nullopt;
  std::string raw;
  for (std::size_t i = 0; i < 32; i += 2) {
    char* end = nullptr;
    std::string byte = hex.substr(i, 2);
    long v = std::strtol(byte.c_str(), &end, 16);
    if (*end) return std::nullopt;
    raw += static_cast<char>(v);
  }
  return raw;
}

// libcrypt's bcrypt, looked up at run time so no extra link dependency is needed.
using CryptRnFn = char* (*)(const char*, const char*, void*, int);
using GensaltFn = char* (*)(const char*, unsigned long, const char*, int, char*, int);

FunctionResult Bcrypt(const std::vector<Value>& a) {
  unsigned long cost = 10;
  if (a.size() > 1) {
    auto c = IntArg(a[1], 1);
    if (!c) return std::unexpected(c.error());
    if (*c < 4 || *c > 31) return FuncErr(1, "bcrypt cost must be between 4 and 31");
    cost = static_cast<unsigned long>(*c);
  }
  static void* lib = dlopen("libcrypt.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) return FuncErr(-1, "bcrypt needs libcrypt.so.1 (libxcrypt), which could not be loaded");
  auto crypt_rn = reinterpret_cast<CryptRnFn>(dlsym(lib, "crypt_rn"));
  auto gensalt = reinterpret_cast<GensaltFn>(dlsym(lib, "crypt_gensalt_rn"));
  if (!crypt_rn || !gensalt) return FuncErr(-1, "libcrypt does not provide crypt_rn");
  unsigned char rnd[16];
  RAND_bytes(rnd, sizeof rnd);
  char salt[128];
  if (!gensalt("$2a$", cost, reinterpret_cast<const char*>(rnd), sizeof rnd, salt, sizeof salt))
    return FuncErr(-1, "failed to generate a bcrypt salt");
  std::vector<char> data(32768, 0);  // struct crypt_data is about 32 KiB
  char* out = crypt_rn(a[0].AsString().c_str(), salt, data.data(), static_cast<int>(data.size()));
  if (!out || out[0] == '*') return FuncErr(-1, "failed to hash the password");
  return Value::String(out);
}

FunctionResult RsaDecrypt(const std::vector<Value>& a) {
  auto ct = Base64Decode(a[0].AsString());
  if (!ct) return FuncErr(0, "failed to decode input \"ciphertext\": cipher text must be base64-encoded");
  const std::string& pem = a[1].AsString();
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!key) return FuncErr(1, "failed to parse key: no key found");
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
  std::string out;
  bool ok = ctx && EVP_PKEY_decrypt_init(ctx) > 0 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0;
  std::size_t len = 0;
  ok = ok && EVP_PKEY_decrypt(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(ct->data()), ct->size()) > 0;
  if (ok) {
    out.resize(len);
    ok = EVP_PKEY_decrypt(ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
                          reinterpret_cast<const unsigned char*>(ct->data()), ct->size()) > 0;
    out.resize(len);
  }
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(key);
  if (!ok) return FuncErr(-1, "failed to decrypt: the ciphertext does not match the private key");
  return Value::String(out);
}

}  // namespace

void AddCrypto(FunctionMap& m, const FunctionOptions& opts) {
  m["md5"] = HexHash(EVP_md5);
  m["sha1"] = HexHash(EVP_sha1);
  m["sha256"] = HexHash(EVP_sha256);
  m["sha512"] = HexHash(EVP_sha512);
  m["base64sha256"] = B64Hash(EVP_sha256);
  m["base64sha512"] = B64Hash(EVP_sha512);
  m["filemd5"] = FileHash(opts, EVP_md5, false);
  m["filesha1"] = FileHash(opts, EVP_sha1, false);
  m["filesha256"] = FileHash(opts, EVP_sha256, false);
  m["filesha512"] = FileHash(opts, EVP_sha512, false);
  m["filebase64sha256"] = FileHash(opts, EVP_sha256, true);
  m["filebase64sha512"] = FileHash(opts, EVP_sha512, true);
  m["bcrypt"] = VarFn({P("str", kStr)}, P("cost", Type::Number()), [](const std::vector<Value>& a) -> FunctionResult {
    if (a.size() > 2) return FuncErr(2, "bcrypt() takes one or two arguments");
    return Bcrypt(a);
  }, kStr);
  m["rsadecrypt"] = Fn({P("ciphertext", kStr), P("privatekey", kStr)}, RsaDecrypt, kStr);
  Function uuid = Fn({}, [](const std::vector<Value>&) -> FunctionResult {
    unsigned char b[16];
    RAND_bytes(b, sizeof b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    return Value::String(FormatUuid(b));
  }, kStr);
  m["uuidv4"] = uuid;
  m["uuid"] = uuid;
  m["uuidv5"] = Fn({P("namespace", kStr), P("name", kStr)}, [](const std::vector<Value>& a) -> FunctionResult {
    std::string ns = a[0].AsString();
    if (ns == "dns") ns = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
    else if (ns == "url") ns = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";
    else if (ns == "oid") ns = "6ba7b812-9dad-11d1-80b4-00c04fd430c8";
    else if (ns == "x500") ns = "6ba7b814-9dad-11d1-80b4-00c04fd430c8";
    auto raw = ParseUuid(ns);
    if (!raw) return FuncErr(0, fmt::format("uuidv5() doesn't support namespace prefix {}", a[0].AsString()));
    std::string h = Digest(EVP_sha1(), *raw + a[1].AsString());
    unsigned char b[16];
    std::memcpy(b, h.data(), 16);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    return Value::String(FormatUuid(b));
  }, kStr);
}

}  // namespace kiln::hcl::functions
