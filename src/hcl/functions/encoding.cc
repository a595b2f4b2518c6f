// Encoding functions: base64encode/decode, base64gzip, csvdecode,
// jsonencode/decode, yamlencode/decode (yaml-cpp), urlencode,
// textencodebase64/textdecodebase64 (iconv).
#include <iconv.h>

#include <algorithm>
#include <cstring>

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "hcl/functions/internal.h"
#include "hcl/value_json.h"

namespace kiln::hcl::functions {

namespace {

const Type kStr = Type::String();
const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool ValidUtf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

}  // namespace

std::string Base64Encode(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += kB64[v & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += kB64[v >> 18];
    out += kB64[(v >> 12) & 63];
    out += kB64[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  unsigned v = 0;
  int bits = 0;
  std::size_t pad = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    int d;
    if (c == '=') {
      if (i < in.size() - 2) return std::nullopt;
      ++pad;
      continue;
    }
    if (pad) return std::nullopt;
    const char* p = std::strchr(kB64, c);
    if (!p || c == '\0') return std::nullopt;
    d = static_cast<int>(p - kB64);
    v = (v << 6) | static_cast<unsigned>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xFF);
    }
  }
  return out;
}

namespace {

// ---- YAML ----

Value FromYaml(const YAML::Node& n, std::string* err) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return Value::Null();
    case YAML::NodeType::Sequence: {
      std::vector<Value> items;
      for (const auto& e : n) items.push_back(FromYaml(e, err));
      return Value::Tuple(std::move(items));
    }
    case YAML::NodeType::Map: {
      std::map<std::string, Value> attrs;
      for (const auto& kv : n) attrs[kv.first.as<std::string>()] = FromYaml(kv.second, err);
      return Value::Object(std::move(attrs));
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      const std::string& tag = n.Tag();
      if (tag == "!" || tag == "tag:yaml.org,2002:str") return Value::String(s);  // quoted
      if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float") {
        if (auto v = Value::ParseNumber(s)) return *v;
        *err = fmt::format("cannot parse \"{}\" as a number", s);
        return Value::Null();
      }
      if (tag == "tag:yaml.org,2002:bool") return Value::Bool(s == "true" || s == "True" || s == "TRUE");
      if (s == "~" || s == "null" || s == "Null" || s == "NULL" || s.empty()) return Value::Null();
      if (s == "true" || s == "True" || s == "TRUE") return Value::True();
      if (s == "false" || s == "False" || s == "FALSE") return Value::False();
      if (auto v = Value::ParseNumber(s)) {
        if (s[0] != '+' && s[0] != '.') return *v;
      }
      if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
        mpz_class z;
        if (z.set_str(s.substr(2), s[1] == 'x' ? 16 : 8) == 0) return Value::Number(mpq_class(z));
      }
      return Value::String(s);
    }
  }
  return Value::Null();
}

std::string YamlQuote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) out += fmt::format("\\x{:02X}", c);
        else out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

bool IsEmptyCollection(const Value& v) {
  const Type& t = v.type();
  if (v.is_null()) return false;
  if (t.is_list() || t.is_set() || t.is_tuple()) return v.Elements().empty();
  if (t.is_map() || t.is_object()) return v.Attributes().empty();
  return false;
}

bool IsBlock(const Value& v) {
  const Type& t = v.type();
  return !v.is_null() && (t.is_list() || t.is_set() || t.is_tuple() || t.is_map() || t.is_object()) &&
         !IsEmptyCollection(v);
}

std::string YamlScalar(const Value& v) {
  if (v.is_null()) return "null";
  switch (v.type().kind()) {
    case TypeKind::kString: return YamlQuote(v.AsString());
    case TypeKind::kNumber: return FormatNumber(v.AsNumber());
    case TypeKind::kBool: return v.AsBool() ? "true" : "false";
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kTuple: return "[]";
    default: return "{}";
  }
}

// Block-style YAML, in the shape go-yaml (and so Packer) writes.
void ToYaml(const Value& v, int indent, std::string& out) {
  std::string pad(static_cast<std::size_t>(indent), ' ');
  const Type& t = v.type();
  if (t.is_map() || t.is_object()) {
    for (const auto& [k, e] : v.Attributes()) {
      out += pad + YamlQuote(k) + ":";
      if (IsBlock(e)) {
        out += "\n";
        bool seq = e.type().is_list() || e.type().is_set() || e.type().is_tuple();
        ToYaml(e, seq ? indent : indent + 2, out);
      } else {
        out += " " + YamlScalar(e) + "\n";
      }
    }
    return;
  }
  for (const Value& e : v.Elements()) {
    out += pad + "-";
    if (IsBlock(e)) {
      // The first line of a nested block goes on the dash's line.
      std::string inner;
      ToYaml(e, indent + 2, inner);
      out += " " + inner.substr(static_cast<std::size_t>(indent) + 2);
    } else {
      out += " " + YamlScalar(e) + "\n";
    }
  }
}

// ---- CSV ----

FunctionResult CsvDecode(const std::vector<Value>& a) {
  const std::string& s = a[0].AsString();
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, field_started = false;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size()) {
      if (field_started || !row.empty()) {
        row.push_back(field);
        rows.push_back(row);
      }
      break;
    }
    char c = s[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      field_started = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      row.push_back(field);
      rows.push_back(row);
      row.clear();
      field.clear();
      field_started = false;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted) return FuncErr(0, "parse error on line " + std::to_string(rows.size() + 1) + ": extraneous or missing \" in quoted-field");
  if (rows.empty()) return FuncErr(0, "missing header line");
  const auto& header = rows[0];
  std::vector<Value> out;
  std::map<std::string, Type> attr_types;
  for (const std::string& h : header) attr_types[h] = kStr;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].size() != header.size())
      return FuncErr(0, fmt::format("record on line {}: wrong number of fields", r + 1));
    std::map<std::string, Value> obj;
    for (std::size_t c = 0; c < header.size(); ++c) obj[header[c]] = Value::String(rows[r][c]);
    out.push_back(Value::Object(std::move(obj)));
  }
  return Value::List(std::move(out), Type::Object(attr_types));
}

// ---- gzip via libarchive's raw writer ----

std::optional<std::string> Gzip(const std::string& data) {
  struct archive* a = archive_write_new();
  archive_write_add_filter_gzip(a);
  archive_write_set_format_raw(a);
  archive_write_set_bytes_in_last_block(a, 1);
  std::vector<char> buf(data.size() + 1024);
  std::size_t used = 0;
  bool ok = archive_write_open_memory(a, buf.data(), buf.size(), &used) == ARCHIVE_OK;
  struct archive_entry* e = archive_entry_new();
  archive_entry_set_filetype(e, AE_IFREG);
  ok = ok && archive_write_header(a, e) == ARCHIVE_OK;
  ok = ok && (data.empty() || archive_write_data(a, data.data(), data.size()) >= 0);
  archive_entry_free(e);
  ok = archive_write_close(a) == ARCHIVE_OK && ok;
  archive_write_free(a);
  if (!ok) return std::nullopt;
  return std::string(buf.data(), used);
}

// ---- text encodings via iconv ----

std::optional<std::string> Iconv(const std::string& in, const std::string& from, const std::string& to) {
  iconv_t cd = iconv_open(to.c_str(), from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::nullopt;
  std::string out(in.size() * 4 + 16, '\0');
  char* inp = const_cast<char*>(in.data());
  std::size_t inleft = in.size();
  char* outp = out.data();
  std::size_t outleft = out.size();
  std::size_t r = iconv(cd, &inp, &inleft, &outp, &outleft);
  iconv_close(cd);
  if (r == static_cast<std::size_t>(-1)) return std::nullopt;
  out.resize(out.size() - outleft);
  return out;
}

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else if (c == ' ') out += '+';
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

}  // namespace

void AddEncoding(FunctionMap& m) {
  m["base64encode"] = Fn({P("str", kStr)}, [](const std::vector<Value>& a) -> FunctionResult { return Value::String(Base64Encode(a[0].AsString())); }, kStr);
  m["base64decode"] = Fn({P("str", kStr)},
                         [](const std::vector<Value>& a) -> FunctionResult {
                           auto d = Base64Decode(a[0].AsString());
                           if (!d) return FuncErr(0, "failed to decode base64 data");
                           if (!ValidUtf8(*d)) return FuncErr(0, "the result of decoding the provided string is not valid UTF-8");
                           return Value::String(*d);
                         },
                         kStr);
  m["base64gzip"] = Fn({P("str", kStr)},
                       [](const std::vector<Value>& a) -> FunctionResult {
                         auto z = Gzip(a[0].AsString());
                         if (!z) return FuncErr(0, "failed to compress the string");
                         return Value::String(Base64Encode(*z));
                       },
                       kStr);
  m["csvdecode"] = Fn({P("str", kStr)}, CsvDecode);
  Param any{"val", Type::Dynamic()};
  any.allow_null = true;
  m["jsonencode"] = Fn({any},
                       [](const std::vector<Value>& a) -> FunctionResult {
                         auto j = ValueToJSON(a[0]);
                         if (!j) return FuncErr(0, j.error().summary);
                         return Value::String(*j);
                       },
                       kStr);
  m["jsondecode"] = Fn({P("str", kStr)}, [](const std::vector<Value>& a) -> FunctionResult {
    int depth = 0, max_depth = 0;
    for (char c : a[0].AsString()) {
      if (c == '[' || c == '{') max_depth = std::max(max_depth, ++depth);
      else if (c == ']' || c == '}') --depth;
    }
    if (max_depth > 500) return FuncErr(0, "the JSON document is nested too deeply");
    auto v = ParseJSONValue(a[0].AsString(), "<jsondecode>");
    if (!v) return FuncErr(0, v.error().summary + (v.error().detail.empty() ? "" : ": " + v.error().detail));
    return *v;
  });
  m["yamldecode"] = Fn({P("src", kStr)}, [](const std::vector<Value>& a) -> FunctionResult {
    int depth = 0, max_depth = 0;
    for (char c : a[0].AsString()) {
      if (c == '[' || c == '{') max_depth = std::max(max_depth, ++depth);
      else if (c == ']' || c == '}') --depth;
    }
    if (max_depth > 500) return FuncErr(0, "the YAML document is nested too deeply");
    try {
      std::vector<YAML::Node> docs = YAML::LoadAll(a[0].AsString());
      if (docs.empty()) return Value::Null();
      if (docs.size() > 1) return FuncErr(0, "on line 1, column 1: unexpected extra content after value");
      std::string err;
      Value v = FromYaml(docs[0], &err);
      if (!err.empty()) return FuncErr(0, err);
      return v;
    } catch (const YAML::Exception& e) {
      return FuncErr(0, fmt::format("on line {}, column {}: {}", e.mark.line + 1, e.mark.column + 1, e.msg));
    }
  });
  m["yamlencode"] = Fn({any},
                       [](const std::vector<Value>& a) -> FunctionResult {
                         if (!a[0].IsWhollyKnown()) return Value::Unknown(kStr);
                         std::string out;
                         if (IsBlock(a[0])) ToYaml(a[0], 0, out);
                         else out = YamlScalar(a[0]) + "\n";
                         return Value::String(out);
                       },
                       kStr);
  m["urlencode"] = Fn({P("str", kStr)}, [](const std::vector<Value>& a) -> FunctionResult { return Value::String(UrlEncode(a[0].AsString())); }, kStr);
  m["textencodebase64"] = Fn({P("string", kStr), P("encoding", kStr)},
                             [](const std::vector<Value>& a) -> FunctionResult {
                               auto out = Iconv(a[0].AsString(), "UTF-8", a[1].AsString());
                               if (!out) return FuncErr(1, fmt::format("\"{}\" is not a supported IANA encoding name or alias, or the string cannot be encoded in it", a[1].AsString()));
                               return Value::String(Base64Encode(*out));
                             },
                             kStr);
  m["textdecodebase64"] = Fn({P("source", kStr), P("encoding", kStr)},
                             [](const std::vector<Value>& a) -> FunctionResult {
                               auto raw = Base64Decode(a[0].AsString());
                               if (!raw) return FuncErr(0, "the given value is has an invalid base64 symbol");
                               auto out = Iconv(*raw, a[1].AsString(), "UTF-8");
                               if (!out) return FuncErr(1, fmt::format("\"{}\" is not a supported IANA encoding name or alias, or the data is not valid in it", a[1].AsString()));
                               return Value::String(*out);
                             },
                             kStr);
}

}  // namespace kiln::hcl::functions
