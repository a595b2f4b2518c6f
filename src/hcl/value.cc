#include "hcl/value.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace kiln::hcl {

struct Value::Payload {
  bool b = false;
  mpq_class n;
  std::string s;
  std::vector<Value> elems;
  std::map<std::string, Value> attrs;
};

namespace {
const std::vector<Value> kNoElems;
const std::map<std::string, Value> kNoAttrs;
const std::string kNoString;
const mpq_class kZero;
}  // namespace

Value::Value() = default;

Value Value::Null(Type type) {
  Value v;
  v.type_ = std::move(type);
  v.state_ = State::kNull;
  return v;
}

Value Value::Unknown(Type type) {
  Value v;
  v.type_ = std::move(type);
  v.state_ = State::kUnknown;
  return v;
}

Value Value::String(std::string s) {
  Value v;
  v.type_ = Type::String();
  v.state_ = State::kKnown;
  auto p = std::make_shared<Payload>();
  p->s = std::move(s);
  v.payload_ = std::move(p);
  return v;
}

Value Value::Number(const mpq_class& n) {
  Value v;
  v.type_ = Type::Number();
  v.state_ = State::kKnown;
  auto p = std::make_shared<Payload>();
  p->n = n;
  p->n.canonicalize();
  v.payload_ = std::move(p);
  return v;
}

Value Value::Number(std::int64_t n) {
  mpz_class z;
  // mpz from int64 portably (long may be 64-bit here, but be explicit).
  z = static_cast<long>(n);
  return Number(mpq_class(z));
}

std::optional<Value> Value::ParseNumber(std::string_view text) {
  std::size_t i = 0;
  bool neg = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
    neg = text[i] == '-';
    ++i;
  }
  std::string mant;
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    mant += text[i++];
    ++int_digits;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      mant += text[i++];
      ++frac_digits;
    }
  }
  if (int_digits + frac_digits == 0) return std::nullopt;
  long exp = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool eneg = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
      eneg = text[i] == '-';
      ++i;
    }
    if (i >= text.size()) return std::nullopt;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      exp = exp * 10 + (text[i++] - '0');
      if (exp > 100000) return std::nullopt;  // absurd exponents are not numbers we can hold
    }
    if (eneg) exp = -exp;
  }
  if (i != text.size()) return std::nullopt;
  exp -= static_cast<long>(frac_digits);
  mpz_class m(mant, 10);
  if (neg) m = -m;
  mpq_class q(m);
  if (exp != 0) {
    mpz_class p;
    mpz_ui_pow_ui(p.get_mpz_t(), 10, static_cast<unsigned long>(std::labs(exp)));
    if (exp > 0) q *= p;
    else q /= p;
  }
  return Number(q);
}

Value Value::NumberFromDouble(double d) {
  if (!std::isfinite(d)) return Unknown(Type::Number());
  // The shortest decimal that round-trips: what people expect (0.1, not 0.1000000000000000055).
  std::string s = fmt::format("{}", d);
  if (auto v = ParseNumber(s)) return *v;
  mpq_class q(d);
  return Number(q);
}

Value Value::Bool(bool b) {
  Value v;
  v.type_ = Type::Bool();
  v.state_ = State::kKnown;
  auto p = std::make_shared<Payload>();
  p->b = b;
  v.payload_ = std::move(p);
  return v;
}

Value Value::List(std::vector<Value> elements, Type element) {
  Value v;
  v.type_ = Type::List(std::move(element));
  v.state_ = State::kKnown;
  auto p = std::make_shared<Payload>();
  p->elems = std::move(elements);
  v.payload_ = std::move(p);
  return v;
}

Value Value::Set(std::vector<Value> elements, Type element) {
  std::stable_sort(elements.begin(), elements.end(), Less);
  std::vector<Value> unique;
  for (Value& e : elements)
    if (unique.empty() || !unique.back().RawEquals(e) || !e.is_known()) unique.push_back(std::move(e));
  Value v = List(std::move(unique), element);
  v.type_ = Type::Set(std::move(element));
  return v;
}

Value Value::Map(std::map<std::string, Value> elements, Type element) {
  Value v;
  v.type_ = Type::Map(std::move(element));
  v.state_ = State::kKnown;
  auto p = std::make_shared<Payload>();
  p->attrs = std::move(elements);
  v.payload_ = std::move(p);
  return v;
}

Value Value::Tuple(std::vector<Value> elements) {
  std::vector<Type> types;
  types.reserve(elements.size());
  for (const Value& e : elements) types.push_back(e.type());
  Value v;
  v.type_ = Type::Tuple(std::move(types));
  v.state_ = State::kKnown;
  auto p = std::make_shared<Payload>();
  p->elems = std::move(elements);
  v.payload_ = std::move(p);
  return v;
}

Value Value::Object(std::map<std::string, Value> attributes) {
  std::map<std::string, Type> types;
  for (const auto& [k, e] : attributes) types.emplace(k, e.type());
  Value v;
  v.type_ = Type::Object(std::move(types));
  v.state_ = State::kKnown;
  auto p = std::make_shared<Payload>();
  p->attrs = std::move(attributes);
  v.payload_ = std::move(p);
  return v;
}

Value Value::StringList(const std::vector<std::string>& items) {
  std::vector<Value> vals;
  for (const std::string& s : items) vals.push_back(String(s));
  return List(std::move(vals), Type::String());
}

bool Value::IsWhollyKnown() const {
  if (state_ == State::kUnknown) return false;
  if (state_ == State::kNull || !payload_) return true;
  for (const Value& e : payload_->elems)
    if (!e.IsWhollyKnown()) return false;
  for (const auto& [k, e] : payload_->attrs)
    if (!e.IsWhollyKnown()) return false;
  return true;
}

bool Value::AsBool() const { return payload_ && payload_->b; }
const std::string& Value::AsString() const { return payload_ ? payload_->s : kNoString; }
const mpq_class& Value::AsNumber() const { return payload_ ? payload_->n : kZero; }
const std::vector<Value>& Value::Elements() const {
  return payload_ ? payload_->elems : kNoElems;
}
const std::map<std::string, Value>& Value::Attributes() const {
  return payload_ ? payload_->attrs : kNoAttrs;
}

std::size_t Value::Length() const {
  if (!payload_) return 0;
  switch (type_.kind()) {
    case TypeKind::kString: {
      std::size_t n = 0;
      for (unsigned char c : payload_->s)
        if ((c & 0xC0) != 0x80) ++n;
      return n;
    }
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kTuple: return payload_->elems.size();
    case TypeKind::kMap:
    case TypeKind::kObject: return payload_->attrs.size();
    default: return 0;
  }
}

bool Value::HasAttribute(const std::string& name) const {
  return payload_ && payload_->attrs.contains(name);
}

Value Value::GetAttr(const std::string& name) const {
  if (!payload_) return Null();
  auto it = payload_->attrs.find(name);
  if (it == payload_->attrs.end()) return Null();
  return sensitive_ ? it->second.Marked() : it->second;
}

Value Value::Index(std::size_t i) const {
  if (!payload_ || i >= payload_->elems.size()) return Null();
  return sensitive_ ? payload_->elems[i].Marked() : payload_->elems[i];
}

bool Value::IsInteger() const {
  return payload_ && type_.kind() == TypeKind::kNumber && payload_->n.get_den() == 1;
}

std::optional<std::int64_t> Value::AsInt64() const {
  if (!IsInteger()) return std::nullopt;
  const mpz_class& z = payload_->n.get_num();
  if (!z.fits_slong_p()) return std::nullopt;
  return static_cast<std::int64_t>(z.get_si());
}

double Value::AsDouble() const { return payload_ ? payload_->n.get_d() : 0.0; }

Value Value::Marked(bool sensitive) const {
  Value v = *this;
  v.sensitive_ = sensitive;
  return v;
}

Value Value::Unmarked() const { return Marked(false); }

bool Value::HasSensitiveDeep() const {
  if (sensitive_) return true;
  if (!payload_) return false;
  for (const Value& e : payload_->elems)
    if (e.HasSensitiveDeep()) return true;
  for (const auto& [k, e] : payload_->attrs)
    if (e.HasSensitiveDeep()) return true;
  return false;
}

Value Value::UnmarkedDeep(bool* had_sensitive) const {
  bool any = sensitive_;
  Value v = *this;
  v.sensitive_ = false;
  if (payload_ && (!payload_->elems.empty() || !payload_->attrs.empty()) && HasSensitiveDeep()) {
    auto p = std::make_shared<Payload>(*payload_);
    for (Value& e : p->elems) {
      bool h = false;
      e = e.UnmarkedDeep(&h);
      any |= h;
    }
    for (auto& [k, e] : p->attrs) {
      bool h = false;
      e = e.UnmarkedDeep(&h);
      any |= h;
    }
    v.payload_ = std::move(p);
  }
  if (had_sensitive) *had_sensitive = any;
  return v;
}

bool Value::RawEquals(const Value& o) const {
  if (!(type_ == o.type_) || state_ != o.state_) return false;
  if (state_ != State::kKnown) return true;
  switch (type_.kind()) {
    case TypeKind::kString: return AsString() == o.AsString();
    case TypeKind::kNumber: return AsNumber() == o.AsNumber();
    case TypeKind::kBool: return AsBool() == o.AsBool();
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kTuple: {
      const auto& a = Elements();
      const auto& b = o.Elements();
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i)
        if (!a[i].RawEquals(b[i])) return false;
      return true;
    }
    case TypeKind::kMap:
    case TypeKind::kObject: {
      const auto& a = Attributes();
      const auto& b = o.Attributes();
      if (a.size() != b.size()) return false;
      for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib)
        if (ia->first != ib->first || !ia->second.RawEquals(ib->second)) return false;
      return true;
    }
    case TypeKind::kDynamic: return true;
  }
  return false;
}

bool Value::Less(const Value& a, const Value& b) {
  // Unknowns sort last; then by type kind; then by content.
  if (a.is_known() != b.is_known()) return a.is_known();
  if (!a.is_known()) return false;
  if (a.is_null() != b.is_null()) return !a.is_null();
  if (a.is_null()) return false;
  if (a.type_.kind() != b.type_.kind()) return a.type_.kind() < b.type_.kind();
  switch (a.type_.kind()) {
    case TypeKind::kString: return a.AsString() < b.AsString();
    case TypeKind::kNumber: return a.AsNumber() < b.AsNumber();
    case TypeKind::kBool: return !a.AsBool() && b.AsBool();
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kTuple: {
      const auto& x = a.Elements();
      const auto& y = b.Elements();
      if (x.size() != y.size()) return x.size() < y.size();
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (Less(x[i], y[i])) return true;
        if (Less(y[i], x[i])) return false;
      }
      return false;
    }
    case TypeKind::kMap:
    case TypeKind::kObject: {
      const auto& x = a.Attributes();
      const auto& y = b.Attributes();
      if (x.size() != y.size()) return x.size() < y.size();
      for (auto ix = x.begin(), iy = y.begin(); ix != x.end(); ++ix, ++iy) {
        if (ix->first != iy->first) return ix->first < iy->first;
        if (Less(ix->second, iy->second)) return true;
        if (Less(iy->second, ix->second)) return false;
      }
      return false;
    }
    default: return false;
  }
}

std::string FormatNumber(const mpq_class& n) {
  if (n.get_den() == 1) return n.get_num().get_str();
  // Terminating decimal if the denominator has only factors 2 and 5.
  mpz_class den = n.get_den();
  unsigned long twos = 0, fives = 0;
  while (mpz_divisible_ui_p(den.get_mpz_t(), 2)) {
    den /= 2;
    ++twos;
  }
  while (mpz_divisible_ui_p(den.get_mpz_t(), 5)) {
    den /= 5;
    ++fives;
  }
  if (den == 1 && std::max(twos, fives) <= 1000) {
    unsigned long k = std::max(twos, fives);
    mpz_class scale;
    mpz_ui_pow_ui(scale.get_mpz_t(), 10, k);
    mpz_class scaled = n.get_num() * scale / n.get_den();
    bool neg = scaled < 0;
    if (neg) scaled = -scaled;
    std::string digits = scaled.get_str();
    if (digits.size() <= k) digits.insert(0, k - digits.size() + 1, '0');
    digits.insert(digits.size() - k, ".");
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    if (!digits.empty() && digits.back() == '.') digits.pop_back();
    return (neg ? "-" : "") + digits;
  }
  return fmt::format("{}", n.get_d());
}

namespace {
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out + "\"";
}
}  // namespace

std::string Value::DebugString() const {
  std::string out;
  if (sensitive_) return "(sensitive value)";
  if (state_ == State::kUnknown) return "(known after build)";
  if (state_ == State::kNull) return "null";
  switch (type_.kind()) {
    case TypeKind::kString: return Quote(AsString());
    case TypeKind::kNumber: return FormatNumber(AsNumber());
    case TypeKind::kBool: return AsBool() ? "true" : "false";
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kTuple: {
      out = type_.kind() == TypeKind::kSet ? "toset([" : type_.kind() == TypeKind::kList ? "tolist([" : "[";
      bool first = true;
      for (const Value& e : Elements()) {
        if (!first) out += ", ";
        first = false;
        out += e.DebugString();
      }
      out += type_.kind() == TypeKind::kTuple ? "]" : "])";
      return out;
    }
    case TypeKind::kMap:
    case TypeKind::kObject: {
      out = type_.kind() == TypeKind::kMap ? "tomap({" : "{";
      bool first = true;
      for (const auto& [k, e] : Attributes()) {
        if (!first) out += ", ";
        first = false;
        out += Quote(k) + " = " + e.DebugString();
      }
      out += type_.kind() == TypeKind::kMap ? "})" : "}";
      return out;
    }
    case TypeKind::kDynamic: return "null";
  }
  return out;
}

}  // namespace kiln::hcl
