// IP network functions: cidrhost, cidrnetmask, cidrsubnet, cidrsubnets
// (IPv4 and IPv6).
#include <arpa/inet.h>

#include <algorithm>

#include <fmt/format.h>

#include "hcl/functions/internal.h"

namespace kiln::hcl::functions {

namespace {

const Type kStr = Type::String();
using U128 = unsigned __int128;

struct Prefix {
  U128 addr = 0;  // network address (host bits cleared)
  int len = 0;    // prefix length
  int bits = 32;  // 32 or 128
};

std::expected<Prefix, std::string> ParseCidr(const std::string& s) {
  std::size_t slash = s.find('/');
  if (slash == std::string::npos) return std::unexpected(fmt::format("invalid CIDR address: {}", s));
  std::string ip = s.substr(0, slash);
  std::string len = s.substr(slash + 1);
  Prefix p;
  unsigned char buf[16];
  if (inet_pton(AF_INET, ip.c_str(), buf) == 1) {
    p.bits = 32;
    for (int i = 0; i < 4; ++i) p.addr = (p.addr << 8) | buf[i];
  } else if (inet_pton(AF_INET6, ip.c_str(), buf) == 1) {
    p.bits = 128;
    for (int i = 0; i < 16; ++i) p.addr = (p.addr << 8) | buf[i];
  } else {
    return std::unexpected(fmt::format("invalid CIDR address: {}", s));
  }
  if (len.empty() || len.size() > 3 || !std::all_of(len.begin(), len.end(), ::isdigit))
    return std::unexpected(fmt::format("invalid CIDR address: {}", s));
  p.len = std::stoi(len);
  if (p.len > p.bits) return std::unexpected(fmt::format("invalid CIDR address: {}", s));
  U128 mask = p.len == 0 ? 0 : (~U128(0) << (128 - p.len)) >> (128 - p.bits);
  if (p.bits == 32) mask &= 0xFFFFFFFFu;
  p.addr &= mask;
  return p;
}

std::string FormatAddr(U128 a, int bits) {
  unsigned char buf[16];
  char out[INET6_ADDRSTRLEN];
  int n = bits / 8;
  for (int i = n - 1; i >= 0; --i) {
    buf[i] = static_cast<unsigned char>(a & 0xFF);
    a >>= 8;
  }
  inet_ntop(bits == 32 ? AF_INET : AF_INET6, buf, out, sizeof out);
  return out;
}

FunctionResult Host(const std::vector<Value>& a) {
  auto p = ParseCidr(a[0].AsString());
  if (!p) return FuncErr(0, p.error());
  if (!a[1].IsInteger()) return FuncErr(1, "value must be a whole number");
  mpz_class num = a[1].AsNumber().get_num();
  int host_bits = p->bits - p->len;
  mpz_class size;
  mpz_ui_pow_ui(size.get_mpz_t(), 2, static_cast<unsigned long>(host_bits));
  if (num < 0) num += size;
  if (num < 0 || num >= size)
    return FuncErr(1, fmt::format("prefix of {} does not accommodate a host numbered {}", p->len, a[1].DebugString()));
  U128 host = 0;
  std::string hex = num.get_str(16);
  for (char c : hex) host = (host << 4) | static_cast<U128>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a' + 10);
  return Value::String(FormatAddr(p->addr | host, p->bits));
}

std::expected<Prefix, std::string> Subnet(const Prefix& base, std::int64_t newbits, const mpz_class& num) {
  if (newbits < 0) return std::unexpected("must extend prefix by at least one bit");
  if (base.len + newbits > base.bits)
    return std::unexpected(fmt::format("insufficient address space to extend prefix of {} by {}", base.len, newbits));
  mpz_class max;
  mpz_ui_pow_ui(max.get_mpz_t(), 2, static_cast<unsigned long>(newbits));
  if (num < 0 || num >= max)
    return std::unexpected(fmt::format("prefix extension of {} does not accommodate a subnet numbered {}", newbits, num.get_str()));
  U128 n = 0;
  for (char c : num.get_str(16)) n = (n << 4) | static_cast<U128>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : c - 'a' + 10);
  Prefix out = base;
  out.len = base.len + static_cast<int>(newbits);
  out.addr = base.addr | (newbits == 0 ? 0 : n << (base.bits - out.len));
  return out;
}

}  // namespace

void AddNetwork(FunctionMap& m) {
  const Type num = Type::Number();
  m["cidrhost"] = Fn({P("prefix", kStr), P("hostnum", num)}, Host, kStr);
  m["cidrnetmask"] = Fn({P("prefix", kStr)},
                        [](const std::vector<Value>& a) -> FunctionResult {
                          auto p = ParseCidr(a[0].AsString());
                          if (!p) return FuncErr(0, p.error());
                          if (p->bits != 32) return FuncErr(0, "only IPv4 networks have netmasks");
                          U128 mask = p->len == 0 ? 0 : (U128(0xFFFFFFFFu) << (32 - p->len)) & 0xFFFFFFFFu;
                          return Value::String(FormatAddr(mask, 32));
                        },
                        kStr);
  m["cidrsubnet"] = Fn({P("prefix", kStr), P("newbits", num), P("netnum", num)},
                       [](const std::vector<Value>& a) -> FunctionResult {
                         auto p = ParseCidr(a[0].AsString());
                         if (!p) return FuncErr(0, p.error());
                         auto nb = IntArg(a[1], 1);
                         if (!nb) return std::unexpected(nb.error());
                         if (!a[2].IsInteger()) return FuncErr(2, "value must be a whole number");
                         auto s = Subnet(*p, *nb, a[2].AsNumber().get_num());
                         if (!s) return FuncErr(-1, s.error());
                         return Value::String(FormatAddr(s->addr, s->bits) + "/" + std::to_string(s->len));
                       },
                       kStr);
  m["cidrsubnets"] = VarFn({P("prefix", kStr)}, P("newbits", num),
                           [](const std::vector<Value>& a) -> FunctionResult {
                             auto p = ParseCidr(a[0].AsString());
                             if (!p) return FuncErr(0, p.error());
                             std::vector<Value> out;
                             U128 next = p->addr;  // first free address
                             int host_bits = p->bits - p->len;
                             U128 end = host_bits >= 128 ? ~U128(0) : p->addr + (U128(1) << host_bits);
                             for (std::size_t i = 1; i < a.size(); ++i) {
                               auto nb = IntArg(a[i], static_cast<int>(i));
                               if (!nb) return std::unexpected(nb.error());
                               int len = p->len + static_cast<int>(*nb);
                               if (*nb < 1 || len > p->bits)
                                 return FuncErr(static_cast<int>(i), fmt::format("would extend prefix to {} bits, which is too long for an IPv{} address", len, p->bits == 32 ? 4 : 6));
                               U128 size = U128(1) << (p->bits - len);
                               U128 start = (next + size - 1) / size * size;  // align
                               if (start + size > end || start < next)
                                 return FuncErr(static_cast<int>(i), "not enough remaining address space for a subnet with a prefix of " + std::to_string(len) + " bits");
                               out.push_back(Value::String(FormatAddr(start, p->bits) + "/" + std::to_string(len)));
                               next = start + size;
                             }
                             return Value::List(std::move(out), kStr);
                           },
                           Type::List(kStr));
}

}  // namespace kiln::hcl::functions
