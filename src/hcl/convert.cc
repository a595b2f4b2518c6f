#include "hcl/convert.h"

#include <fmt/format.h>

namespace kiln::hcl {

std::string ConversionError::Describe() const {
  return path.empty() ? message : path + ": " + message;
}

namespace {

using Out = std::expected<Value, ConversionError>;

std::unexpected<ConversionError> Fail(std::string message) {
  return std::unexpected(ConversionError{"", std::move(message)});
}

std::string Required(const Type& t) {
  switch (t.kind()) {
    case TypeKind::kString: return "string required";
    case TypeKind::kNumber: return "number required";
    case TypeKind::kBool: return "bool required";
    case TypeKind::kList: return "list of " + t.element().FriendlyName() + " required";
    case TypeKind::kSet: return "set of " + t.element().FriendlyName() + " required";
    case TypeKind::kMap: return "map of " + t.element().FriendlyName() + " required";
    case TypeKind::kTuple: return "tuple required";
    case TypeKind::kObject: return "object required";
    case TypeKind::kDynamic: return "value required";
  }
  return "value required";
}

// Prefixes `prefix` onto an error's path.
ConversionError Nest(ConversionError e, const std::string& prefix) {
  e.path = e.path.empty() ? prefix : prefix + ": " + e.path;
  return e;
}

Out ConvertPrimitive(const Value& v, const Type& want) {
  const Type& have = v.type();
  switch (want.kind()) {
    case TypeKind::kString:
      if (have.kind() == TypeKind::kNumber) return Value::String(FormatNumber(v.AsNumber()));
      if (have.kind() == TypeKind::kBool) return Value::String(v.AsBool() ? "true" : "false");
      break;
    case TypeKind::kNumber:
      if (have.kind() == TypeKind::kString) {
        if (auto n = Value::ParseNumber(v.AsString())) return *n;
        return Fail("a number is required");
      }
      break;
    case TypeKind::kBool:
      if (have.kind() == TypeKind::kString) {
        const std::string& s = v.AsString();
        if (s == "true" || s == "1") return Value::True();
        if (s == "false" || s == "0") return Value::False();
        return Fail("a bool is required");
      }
      break;
    default: break;
  }
  return Fail(Required(want));
}

Out ConvertInner(const Value& v, const Type& want);

Out ToSequence(const Value& v, const Type& want) {
  const Type& have = v.type();
  if (!(have.is_list() || have.is_set() || have.is_tuple())) return Fail(Required(want));
  if (!v.is_known()) return Value::Unknown(want);
  std::vector<Value> out;
  std::size_t i = 0;
  for (const Value& e : v.Elements()) {
    Out c = ConvertInner(e, want.element());
    if (!c) return std::unexpected(Nest(c.error(), fmt::format("element {}", i)));
    out.push_back(*c);
    ++i;
  }
  Type elem = want.element();
  if (elem.is_dynamic()) {
    Type unified;
    auto u = UnifyValues(out, &unified);
    if (!u) return std::unexpected(u.error());
    out = *u;
    elem = unified;
    if (out.empty() && have.kind() != TypeKind::kTuple) elem = have.element();
  }
  return want.is_set() ? Value::Set(std::move(out), elem) : Value::List(std::move(out), elem);
}

Out ToMap(const Value& v, const Type& want) {
  const Type& have = v.type();
  if (!(have.is_map() || have.is_object())) return Fail(Required(want));
  if (!v.is_known()) return Value::Unknown(want);
  std::map<std::string, Value> out;
  for (const auto& [k, e] : v.Attributes()) {
    Out c = ConvertInner(e, want.element());
    if (!c) return std::unexpected(Nest(c.error(), fmt::format("element \"{}\"", k)));
    out[k] = *c;
  }
  Type elem = want.element();
  if (elem.is_dynamic()) {
    std::vector<Value> vals;
    for (auto& [k, e] : out) vals.push_back(e);
    Type unified;
    auto u = UnifyValues(vals, &unified);
    if (!u) return std::unexpected(u.error());
    std::size_t i = 0;
    for (auto& [k, e] : out) e = (*u)[i++];
    elem = unified;
    if (out.empty() && have.is_map()) elem = have.element();
  }
  return Value::Map(std::move(out), elem);
}

Out ToTuple(const Value& v, const Type& want) {
  const Type& have = v.type();
  if (!(have.is_list() || have.is_tuple() || have.is_set())) return Fail(Required(want));
  if (!v.is_known()) return Value::Unknown(want);
  const auto& elems = v.Elements();
  const auto& types = want.tuple_elements();
  if (elems.size() != types.size())
    return Fail(fmt::format("tuple required with exactly {} elements", types.size()));
  std::vector<Value> out;
  for (std::size_t i = 0; i < elems.size(); ++i) {
    Out c = ConvertInner(elems[i], types[i]);
    if (!c) return std::unexpected(Nest(c.error(), fmt::format("element {}", i)));
    out.push_back(*c);
  }
  return Value::Tuple(std::move(out));
}

Out ToObject(const Value& v, const Type& want) {
  const Type& have = v.type();
  if (!(have.is_map() || have.is_object())) return Fail(Required(want));
  if (!v.is_known()) return Value::Unknown(want);
  std::map<std::string, Value> out;
  for (const auto& [name, t] : want.attributes()) {
    if (!v.HasAttribute(name)) {
      if (want.optional_attributes().contains(name)) {
        out[name] = Value::Null(t);
        continue;
      }
      return Fail(fmt::format("attribute \"{}\" is required", name));
    }
    Out c = ConvertInner(v.GetAttr(name), t);
    if (!c) return std::unexpected(Nest(c.error(), fmt::format("attribute \"{}\"", name)));
    out[name] = *c;
  }
  // Attributes the type does not name are dropped, as cty does.
  return Value::Object(std::move(out));
}

Out ConvertInner(const Value& v, const Type& want) {
  if (want.is_dynamic()) return v;
  bool mark = v.sensitive();
  auto marked = [&](Out o) -> Out {
    if (o && mark) return o->Marked();
    return o;
  };
  if (v.is_null() && v.is_known()) return Value::Null(want).Marked(mark);
  if (v.type() == want) return v;
  if (v.type().is_dynamic()) return Value::Unknown(want).Marked(mark);
  if (!v.is_known() && !want.is_collection() && !want.is_tuple() && !want.is_object()) {
    if (!CanConvert(v.type(), want)) return Fail(Required(want));
    return Value::Unknown(want).Marked(mark);
  }
  switch (want.kind()) {
    case TypeKind::kString:
    case TypeKind::kNumber:
    case TypeKind::kBool:
      if (!v.type().is_primitive()) return Fail(Required(want));
      return marked(ConvertPrimitive(v, want));
    case TypeKind::kList:
    case TypeKind::kSet: return marked(ToSequence(v, want));
    case TypeKind::kMap: return marked(ToMap(v, want));
    case TypeKind::kTuple: return marked(ToTuple(v, want));
    case TypeKind::kObject: return marked(ToObject(v, want));
    case TypeKind::kDynamic: return v;
  }
  return Fail(Required(want));
}

}  // namespace

std::expected<Value, ConversionError> Convert(const Value& v, const Type& want) {
  return ConvertInner(v, want);
}

bool CanConvert(const Type& from, const Type& want) {
  if (want.is_dynamic() || from.is_dynamic() || from == want) return true;
  if (from.is_primitive() && want.is_primitive()) {
    if (want.kind() == TypeKind::kString) return true;
    return from.kind() == TypeKind::kString;
  }
  switch (want.kind()) {
    case TypeKind::kList:
    case TypeKind::kSet:
      if (from.is_list() || from.is_set()) return CanConvert(from.element(), want.element());
      if (from.is_tuple()) {
        for (const Type& t : from.tuple_elements())
          if (!CanConvert(t, want.element())) return false;
        return true;
      }
      return false;
    case TypeKind::kMap:
      if (from.is_map()) return CanConvert(from.element(), want.element());
      if (from.is_object()) {
        for (const auto& [k, t] : from.attributes())
          if (!CanConvert(t, want.element())) return false;
        return true;
      }
      return false;
    case TypeKind::kTuple:
      if (from.is_tuple()) {
        if (from.tuple_elements().size() != want.tuple_elements().size()) return false;
        for (std::size_t i = 0; i < want.tuple_elements().size(); ++i)
          if (!CanConvert(from.tuple_elements()[i], want.tuple_elements()[i])) return false;
        return true;
      }
      return from.is_list() || from.is_set();
    case TypeKind::kObject:
      if (from.is_object()) {
        for (const auto& [k, t] : want.attributes()) {
          if (!from.HasAttribute(k)) {
            if (!want.optional_attributes().contains(k)) return false;
            continue;
          }
          if (!CanConvert(from.attributes().at(k), t)) return false;
        }
        return true;
      }
      return from.is_map();
    default: return false;
  }
}

Type UnifyTypes(const std::vector<Type>& types, bool* ok) {
  if (ok) *ok = true;
  if (types.empty()) return Type::Dynamic();
  bool all_same = true;
  for (const Type& t : types)
    if (t != types[0]) all_same = false;
  if (all_same) return types[0];
  for (const Type& t : types)
    if (t.is_dynamic()) return Type::Dynamic();
  bool all_prim = true;
  for (const Type& t : types) all_prim &= t.is_primitive();
  if (all_prim) return Type::String();  // mixed primitives unify to string, as in cty
  // Collections of the same kind: unify elements.
  TypeKind k = types[0].kind();
  bool same_kind = true;
  for (const Type& t : types) same_kind &= t.kind() == k;
  if (same_kind && (k == TypeKind::kList || k == TypeKind::kSet || k == TypeKind::kMap)) {
    std::vector<Type> elems;
    for (const Type& t : types) elems.push_back(t.element());
    bool inner_ok = true;
    Type e = UnifyTypes(elems, &inner_ok);
    if (!inner_ok) {
      if (ok) *ok = false;
      return Type::Dynamic();
    }
    return k == TypeKind::kList ? Type::List(e) : k == TypeKind::kSet ? Type::Set(e) : Type::Map(e);
  }
  // Objects (or maps and objects): same attribute names -> object; else map of unified.
  bool all_obj = true, all_mapish = true;
  for (const Type& t : types) {
    all_obj &= t.is_object();
    all_mapish &= t.is_object() || t.is_map();
  }
  if (all_obj) {
    bool same_names = true;
    for (const Type& t : types) {
      if (t.attributes().size() != types[0].attributes().size()) same_names = false;
      for (const auto& [n, at] : t.attributes())
        if (!types[0].HasAttribute(n)) same_names = false;
    }
    if (same_names) {
      std::map<std::string, Type> attrs;
      for (const auto& [n, at] : types[0].attributes()) {
        std::vector<Type> ts;
        for (const Type& t : types) ts.push_back(t.attributes().at(n));
        bool inner_ok = true;
        attrs[n] = UnifyTypes(ts, &inner_ok);
        if (!inner_ok) {
          if (ok) *ok = false;
          return Type::Dynamic();
        }
      }
      return Type::Object(std::move(attrs));
    }
  }
  if (all_mapish) {
    std::vector<Type> elems;
    for (const Type& t : types) {
      if (t.is_map()) elems.push_back(t.element());
      else
        for (const auto& [n, at] : t.attributes()) elems.push_back(at);
    }
    bool inner_ok = true;
    Type e = UnifyTypes(elems, &inner_ok);
    if (inner_ok) return Type::Map(e);
  }
  // Tuples and lists: sequences of the same length unify elementwise to a tuple,
  // otherwise to a list of the unified element type.
  bool all_seq = true;
  for (const Type& t : types) all_seq &= t.is_tuple() || t.is_list() || t.is_set();
  if (all_seq) {
    std::vector<Type> elems;
    for (const Type& t : types) {
      if (t.is_tuple())
        for (const Type& e : t.tuple_elements()) elems.push_back(e);
      else
        elems.push_back(t.element());
    }
    bool inner_ok = true;
    Type e = UnifyTypes(elems, &inner_ok);
    if (inner_ok) return Type::List(e);
  }
  if (ok) *ok = false;
  return Type::Dynamic();
}

std::expected<std::vector<Value>, ConversionError> UnifyValues(const std::vector<Value>& values,
                                                               Type* unified) {
  std::vector<Type> types;
  for (const Value& v : values) types.push_back(v.type());
  bool ok = true;
  Type t = UnifyTypes(types, &ok);
  if (!ok) {
    return std::unexpected(ConversionError{"", "all elements must have the same type"});
  }
  std::vector<Value> out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto c = Convert(values[i], t);
    if (!c) return std::unexpected(Nest(c.error(), fmt::format("element {}", i)));
    out.push_back(*c);
  }
  if (unified) *unified = t;
  return out;
}

}  // namespace kiln::hcl
