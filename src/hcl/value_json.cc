#include "hcl/value_json.h"

#include <fmt/format.h>

#include "util/utf8.h"

namespace kiln::hcl {

namespace {

void Quote(const std::string& text, std::string& out) {
  // A -var value may hold any bytes; Go's encoder writes U+FFFD for bad ones.
  const std::string s = ToValidUtf8(text);
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '<': out += "\\u003c"; break;  // as Go's encoding/json, which Packer uses
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
  }
  out += '"';
}

bool Write(const Value& v, std::string& out, bool pretty, int indent, std::string* err) {
  auto nl = [&](int level) {
    if (!pretty) return;
    out += '\n';
    out.append(static_cast<std::size_t>(level) * 2, ' ');
  };
  if (!v.is_known()) {
    *err = "value is not yet known";
    return false;
  }
  if (v.is_null()) {
    out += "null";
    return true;
  }
  switch (v.type().kind()) {
    case TypeKind::kString: Quote(v.AsString(), out); return true;
    case TypeKind::kNumber: out += FormatNumber(v.AsNumber()); return true;
    case TypeKind::kBool: out += v.AsBool() ? "true" : "false"; return true;
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kTuple: {
      out += '[';
      bool first = true;
      for (const Value& e : v.Elements()) {
        if (!first) out += ',';
        first = false;
        nl(indent + 1);
        if (!Write(e, out, pretty, indent + 1, err)) return false;
      }
      if (!v.Elements().empty()) nl(indent);
      out += ']';
      return true;
    }
    case TypeKind::kMap:
    case TypeKind::kObject: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.Attributes()) {
        if (!first) out += ',';
        first = false;
        nl(indent + 1);
        Quote(k, out);
        out += pretty ? ": " : ":";
        if (!Write(e, out, pretty, indent + 1, err)) return false;
      }
      if (!v.Attributes().empty()) nl(indent);
      out += '}';
      return true;
    }
    case TypeKind::kDynamic: out += "null"; return true;
  }
  return true;
}

}  // namespace

Result<std::string> ValueToJSON(const Value& v, bool pretty) {
  std::string out, err;
  if (!Write(v, out, pretty, 0, &err)) return std::unexpected(kiln::MakeError(err));
  return out;
}

Value ValueFromJSON(const json::Value& j) {
  switch (j.kind) {
    case json::Kind::kNull: return Value::Null();
    case json::Kind::kBool: return Value::Bool(j.boolean);
    case json::Kind::kNumber: {
      auto n = Value::ParseNumber(j.text);
      return n ? *n : Value::Unknown(Type::Number());
    }
    case json::Kind::kString: return Value::String(j.text);
    case json::Kind::kArray: {
      std::vector<Value> items;
      for (const json::Value& e : j.items) items.push_back(ValueFromJSON(e));
      return Value::Tuple(std::move(items));
    }
    case json::Kind::kObject: {
      std::map<std::string, Value> attrs;
      for (const json::Member& m : j.members) attrs[m.key] = ValueFromJSON(m.value);
      return Value::Object(std::move(attrs));
    }
  }
  return Value::Null();
}

Result<Value> ParseJSONValue(std::string_view text, const std::string& filename) {
  json::ParseOptions opts;
  opts.allow_duplicate_keys = true;
  auto j = json::Parse(text, filename, opts);
  if (!j) return std::unexpected(j.error());
  return ValueFromJSON(*j);
}

}  // namespace kiln::hcl
