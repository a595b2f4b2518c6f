// Collection functions: length, element, index, contains, concat, merge,
// lookup, keys, values, flatten, distinct, compact, coalesce(list), slice,
// sort, reverse, range, chunklist, zipmap, matchkeys, transpose, set*,
// alltrue/anytrue, one.
#include <algorithm>

#include <fmt/format.h>

#include "hcl/functions/internal.h"

namespace kiln::hcl::functions {

namespace {

const Type kDyn = Type::Dynamic();
const Type kStr = Type::String();

bool IsSeq(const Type& t) { return t.is_list() || t.is_set() || t.is_tuple(); }

// A sequence result: a list of the unified element type (tuple if none).
FunctionResult ListOf(std::vector<Value> vals, const Type& hint = Type::Dynamic()) {
  Type t;
  auto u = UnifyValues(vals, &t);
  if (!u) return Value::Tuple(std::move(vals));
  if (vals.empty()) t = hint;
  return Value::List(std::move(*u), t);
}

// Same shape as the input: list in -> list out, tuple in -> tuple out.
FunctionResult SameShape(const Value& in, std::vector<Value> vals) {
  if (in.type().is_tuple()) return Value::Tuple(std::move(vals));
  if (in.type().is_set()) return Value::Set(std::move(vals), in.type().element());
  return Value::List(std::move(vals), in.type().element());
}

FunctionResult Length(const std::vector<Value>& a) {
  const Type& t = a[0].type();
  if (!(t.kind() == TypeKind::kString || IsSeq(t) || t.is_map() || t.is_object()))
    return FuncErr(0, "argument must be a string, a collection type, or a structural type");
  return Value::Number(static_cast<std::int64_t>(a[0].Length()));
}

FunctionResult Element(const std::vector<Value>& a) {
  const Type& t = a[0].type();
  if (!(t.is_list() || t.is_tuple())) return FuncErr(0, "cannot read elements from " + t.FriendlyName());
  auto idx = IntArg(a[1], 1);
  if (!idx) return std::unexpected(idx.error());
  const auto& e = a[0].Elements();
  if (e.empty()) return FuncErr(0, "cannot use element function with an empty list");
  if (*idx < 0) return FuncErr(1, "cannot use element function with a negative index");
  return e[static_cast<std::size_t>(*idx) % e.size()];
}

FunctionResult Contains(const std::vector<Value>& a) {
  if (!IsSeq(a[0].type())) return FuncErr(0, "argument must be list, tuple, or set");
  for (const Value& e : a[0].Elements()) {
    if (e.RawEquals(a[1])) return Value::True();
    // Compare after unification (e.g. number 1 in a list of strings is "1").
    auto c = Convert(a[1], e.type());
    if (c && c->RawEquals(e)) return Value::True();
  }
  return Value::False();
}

FunctionResult Concat(const std::vector<Value>& a) {
  std::vector<Value> all;
  bool all_lists = true;
  Type elem;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!IsSeq(a[i].type())) return FuncErr(static_cast<int>(i), "all arguments must be lists or tuples; got " + a[i].type().FriendlyName());
    if (!a[i].type().is_list()) all_lists = false;
    for (const Value& e : a[i].Elements()) all.push_back(e);
  }
  if (all_lists && !a.empty()) {
    std::vector<Type> ts;
    for (const Value& v : a) ts.push_back(v.type().element());
    bool ok = true;
    elem = UnifyTypes(ts, &ok);
    if (ok) {
      std::vector<Value> conv;
      for (const Value& e : all) {
        auto c = Convert(e, elem);
        if (!c) return Value::Tuple(std::move(all));
        conv.push_back(*c);
      }
      return Value::List(std::move(conv), elem);
    }
  }
  return Value::Tuple(std::move(all));
}

FunctionResult Merge(const std::vector<Value>& a) {
  std::map<std::string, Value> out;
  bool all_maps = true;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].is_null()) continue;
    const Type& t = a[i].type();
    if (!(t.is_map() || t.is_object())) return FuncErr(static_cast<int>(i), "arguments must be maps or objects, got " + t.FriendlyName());
    if (!t.is_map()) all_maps = false;
    for (const auto& [k, v] : a[i].Attributes()) out[k] = v;
  }
  if (all_maps && !a.empty()) {
    std::vector<Value> vals;
    for (auto& [k, v] : out) vals.push_back(v);
    Type t;
    auto u = UnifyValues(vals, &t);
    if (u) {
      std::size_t i = 0;
      for (auto& [k, v] : out) v = (*u)[i++];
      return Value::Map(std::move(out), vals.empty() ? a[0].type().element() : t);
    }
  }
  return Value::Object(std::move(out));
}

FunctionResult Lookup(const std::vector<Value>& a) {
  const Type& t = a[0].type();
  if (!(t.is_map() || t.is_object())) return FuncErr(0, "the first argument must be a map or object, not " + t.FriendlyName());
  const std::string& key = a[1].AsString();
  if (a[0].HasAttribute(key)) return a[0].GetAttr(key);
  if (a.size() > 2) {
    if (t.is_map() && !t.element().is_dynamic()) {
      auto c = Convert(a[2], t.element());
      if (c) return *c;
    }
    return a[2];
  }
  return FuncErr(-1, fmt::format("lookup failed to find key \"{}\"", key));
}

FunctionResult Keys(const std::vector<Value>& a) {
  const Type& t = a[0].type();
  if (!(t.is_map() || t.is_object())) return FuncErr(0, "must have map or object type");
  std::vector<Value> ks;
  for (const auto& [k, v] : a[0].Attributes()) ks.push_back(Value::String(k));
  if (t.is_object()) return Value::Tuple(std::move(ks));
  return Value::List(std::move(ks), kStr);
}

FunctionResult Values(const std::vector<Value>& a) {
  const Type& t = a[0].type();
  if (!(t.is_map() || t.is_object())) return FuncErr(0, "must have map or object type");
  std::vector<Value> vs;
  for (const auto& [k, v] : a[0].Attributes()) vs.push_back(v);
  if (t.is_object()) return Value::Tuple(std::move(vs));
  return Value::List(std::move(vs), t.element());
}

void FlattenInto(const Value& v, std::vector<Value>& out) {
  for (const Value& e : v.Elements()) {
    if (IsSeq(e.type()) && !e.is_null()) FlattenInto(e, out);
    else out.push_back(e);
  }
}

FunctionResult Flatten(const std::vector<Value>& a) {
  if (!IsSeq(a[0].type())) return FuncErr(0, "can only flatten lists, sets and tuples");
  std::vector<Value> out;
  FlattenInto(a[0], out);
  if (a[0].type().is_list() || a[0].type().is_set()) return ListOf(std::move(out));
  return Value::Tuple(std::move(out));
}

FunctionResult Distinct(const std::vector<Value>& a) {
  std::vector<Value> out;
  for (const Value& e : a[0].Elements()) {
    bool seen = false;
    for (const Value& o : out) seen |= o.RawEquals(e);
    if (!seen) out.push_back(e);
  }
  return Value::List(std::move(out), a[0].type().element());
}

FunctionResult Compact(const std::vector<Value>& a) {
  std::vector<Value> out;
  for (const Value& e : a[0].Elements())
    if (!e.is_null() && !e.AsString().empty()) out.push_back(e);
  return Value::List(std::move(out), kStr);
}

FunctionResult Coalesce(const std::vector<Value>& a) {
  for (const Value& v : a) {
    if (v.is_null()) continue;
    if (v.type().kind() == TypeKind::kString && v.AsString().empty()) continue;
    // Unify with the others' type, as Terraform's coalesce does.
    std::vector<Type> ts;
    for (const Value& x : a)
      if (!x.is_null()) ts.push_back(x.type());
    bool ok = true;
    Type t = UnifyTypes(ts, &ok);
    if (ok) {
      if (auto c = Convert(v, t)) return *c;
    }
    return v;
  }
  return FuncErr(-1, "no non-null, non-empty-string arguments");
}

FunctionResult CoalesceList(const std::vector<Value>& a) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!IsSeq(a[i].type())) return FuncErr(static_cast<int>(i), "coalescelist arguments must be lists or tuples");
    if (!a[i].is_null() && !a[i].Elements().empty()) return a[i];
  }
  return FuncErr(-1, "no non-null arguments");
}

FunctionResult Slice(const std::vector<Value>& a) {
  const Type& t = a[0].type();
  if (!(t.is_list() || t.is_tuple())) return FuncErr(0, "must be a list or tuple value");
  auto s = IntArg(a[1], 1);
  if (!s) return std::unexpected(s.error());
  auto e = IntArg(a[2], 2);
  if (!e) return std::unexpected(e.error());
  const auto& el = a[0].Elements();
  if (*s < 0) return FuncErr(1, "start index must not be less than zero");
  if (*e > static_cast<std::int64_t>(el.size())) return FuncErr(2, "end index must not be greater than the length of the list");
  if (*s > *e) return FuncErr(1, "start index must not be greater than end index");
  std::vector<Value> out(el.begin() + *s, el.begin() + *e);
  return SameShape(a[0], std::move(out));
}

FunctionResult Sort(const std::vector<Value>& a) {
  std::vector<std::string> s;
  for (const Value& e : a[0].Elements()) {
    if (e.is_null()) return FuncErr(0, "given list element is null; a null string cannot be sorted");
    s.push_back(e.AsString());
  }
  std::sort(s.begin(), s.end());
  return Value::StringList(s);
}

FunctionResult Reverse(const std::vector<Value>& a) {
  const Type& t = a[0].type();
  if (!IsSeq(t)) return FuncErr(0, "can only reverse list or tuple values");
  std::vector<Value> out(a[0].Elements().rbegin(), a[0].Elements().rend());
  if (t.is_tuple()) return Value::Tuple(std::move(out));
  return Value::List(std::move(out), t.element());
}

FunctionResult Range(const std::vector<Value>& a) {
  mpq_class start = 0, end, step = 1;
  if (a.empty() || a.size() > 3) return FuncErr(-1, "must have one, two, or three arguments");
  if (a.size() == 1) {
    end = a[0].AsNumber();
  } else {
    start = a[0].AsNumber();
    end = a[1].AsNumber();
    if (a.size() == 3) step = a[2].AsNumber();
    else if (end < start) step = -1;
  }
  if (step == 0) return FuncErr(2, "step must not be zero");
  if (step < 0 && start < end) return FuncErr(0, "start must be greater than limit if step is negative");
  if (step > 0 && start > end) return FuncErr(0, "start must be less than limit if step is positive");
  std::vector<Value> out;
  for (mpq_class v = start; step > 0 ? v < end : v > end; v += step) {
    if (out.size() >= 1024) return FuncErr(-1, "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step");
    out.push_back(Value::Number(v));
  }
  return Value::List(std::move(out), Type::Number());
}

FunctionResult ChunkList(const std::vector<Value>& a) {
  auto n = IntArg(a[1], 1);
  if (!n) return std::unexpected(n.error());
  if (*n < 0) return FuncErr(1, "the size argument must be positive");
  const auto& el = a[0].Elements();
  Type lt = Type::List(a[0].type().element());
  std::vector<Value> out;
  if (*n == 0) return Value::List({a[0]}, lt);
  for (std::size_t i = 0; i < el.size(); i += static_cast<std::size_t>(*n)) {
    std::vector<Value> chunk(el.begin() + static_cast<std::ptrdiff_t>(i),
                             el.begin() + static_cast<std::ptrdiff_t>(std::min(el.size(), i + static_cast<std::size_t>(*n))));
    out.push_back(Value::List(std::move(chunk), a[0].type().element()));
  }
  return Value::List(std::move(out), lt);
}

FunctionResult Zipmap(const std::vector<Value>& a) {
  const auto& ks = a[0].Elements();
  const Type& vt = a[1].type();
  if (!(vt.is_list() || vt.is_tuple())) return FuncErr(1, "values must be a list or tuple");
  const auto& vs = a[1].Elements();
  if (ks.size() != vs.size()) return FuncErr(-1, fmt::format("number of keys ({}) does not match number of values ({})", ks.size(), vs.size()));
  std::map<std::string, Value> out;
  for (std::size_t i = 0; i < ks.size(); ++i) {
    if (ks[i].is_null()) return FuncErr(0, "keys list has null value");
    out[ks[i].AsString()] = vs[i];
  }
  if (vt.is_list()) return Value::Map(std::move(out), vt.element());
  return Value::Object(std::move(out));
}

FunctionResult MatchKeys(const std::vector<Value>& a) {
  const auto& vals = a[0].Elements();
  const auto& keys = a[1].Elements();
  if (vals.size() != keys.size()) return FuncErr(-1, "length of keys and values should be equal");
  std::vector<Value> out;
  for (std::size_t i = 0; i < keys.size(); ++i)
    for (const Value& s : a[2].Elements())
      if (keys[i].RawEquals(s) || (Convert(s, keys[i].type()) && Convert(s, keys[i].type())->RawEquals(keys[i]))) {
        out.push_back(vals[i]);
        break;
      }
  return Value::List(std::move(out), a[0].type().element());
}

FunctionResult Transpose(const std::vector<Value>& a) {
  std::map<std::string, std::vector<Value>> out;
  for (const auto& [k, list] : a[0].Attributes())
    for (const Value& v : list.Elements()) {
      if (v.is_null()) return FuncErr(0, "input list must not contain null string");
      out[v.AsString()].push_back(Value::String(k));
    }
  std::map<std::string, Value> res;
  for (auto& [k, v] : out) res[k] = Value::List(std::move(v), kStr);
  return Value::Map(std::move(res), Type::List(kStr));
}

// Set operations over sets/lists/tuples (elements unified).
FunctionResult SetOp(const std::vector<Value>& a, int which) {
  std::vector<std::vector<Value>> sets;
  std::vector<Value> all;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!IsSeq(a[i].type())) return FuncErr(static_cast<int>(i), "a set is required");
    sets.push_back(a[i].Elements());
    for (const Value& e : a[i].Elements()) all.push_back(e);
  }
  Type t;
  auto u = UnifyValues(all, &t);
  if (!u) return FuncErr(-1, "given sets must all have compatible element types");
  // Re-split converted elements.
  std::size_t k = 0;
  for (auto& s : sets)
    for (Value& e : s) e = (*u)[k++];
  auto in = [](const std::vector<Value>& s, const Value& v) {
    for (const Value& e : s)
      if (e.RawEquals(v)) return true;
    return false;
  };
  std::vector<Value> out;
  if (which == 0) {  // union
    for (auto& s : sets)
      for (Value& e : s) out.push_back(e);
  } else if (which == 1) {  // intersection
    for (const Value& e : sets[0]) {
      bool all_in = true;
      for (std::size_t i = 1; i < sets.size(); ++i) all_in &= in(sets[i], e);
      if (all_in) out.push_back(e);
    }
  } else {  // subtract
    for (const Value& e : sets[0])
      if (!in(sets[1], e)) out.push_back(e);
  }
  if (all.empty() && !a.empty() && !a[0].type().is_tuple()) t = a[0].type().element();
  return Value::Set(std::move(out), t);
}

FunctionResult SetProduct(const std::vector<Value>& a) {
  if (a.empty()) return FuncErr(-1, "at least one argument is required");
  std::vector<std::vector<Value>> acc = {{}};
  bool any_set = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!IsSeq(a[i].type())) return FuncErr(static_cast<int>(i), "a set or a list is required");
    any_set |= a[i].type().is_set();
    std::vector<std::vector<Value>> next;
    for (const auto& prefix : acc)
      for (const Value& e : a[i].Elements()) {
        auto p = prefix;
        p.push_back(e);
        next.push_back(std::move(p));
      }
    acc = std::move(next);
  }
  std::vector<Value> out;
  for (auto& row : acc) out.push_back(ListOf(std::move(row)).value());
  if (out.empty()) return Value::List({}, Type::List(kDyn));
  if (any_set) return Value::Set(out, out[0].type());
  return ListOf(std::move(out));
}

FunctionResult AllAny(const std::vector<Value>& a, bool all) {
  for (const Value& e : a[0].Elements()) {
    if (e.is_null()) {
      if (all) return Value::False();
      continue;
    }
    if (!e.is_known()) return Value::Unknown(Type::Bool());
    if (all && !e.AsBool()) return Value::False();
    if (!all && e.AsBool()) return Value::True();
  }
  return Value::Bool(all);
}

FunctionResult One(const std::vector<Value>& a) {
  const Type& t = a[0].type();
  if (!IsSeq(t)) return FuncErr(0, "must be a list, set, or tuple value");
  const auto& el = a[0].Elements();
  if (el.empty()) return Value::Null(t.is_tuple() ? kDyn : t.element());
  if (el.size() > 1) return FuncErr(0, "must be a list, set, or tuple value with either zero or one elements");
  return el[0];
}

FunctionResult IndexFn(const std::vector<Value>& a) {
  const Type& t = a[0].type();
  if (!(t.is_list() || t.is_tuple())) return FuncErr(0, "argument must be a list or tuple");
  const auto& el = a[0].Elements();
  for (std::size_t i = 0; i < el.size(); ++i) {
    if (el[i].RawEquals(a[1])) return Value::Number(static_cast<std::int64_t>(i));
    auto c = Convert(a[1], el[i].type());
    if (c && c->RawEquals(el[i])) return Value::Number(static_cast<std::int64_t>(i));
  }
  return FuncErr(-1, "item not found");
}

}  // namespace

void AddCollection(FunctionMap& m) {
  m["length"] = Fn({P("value", kDyn)}, Length, Type::Number());
  m["element"] = Fn({P("list", kDyn), P("index", Type::Number())}, Element);
  m["index"] = Fn({P("list", kDyn), P("value", kDyn)}, IndexFn, Type::Number());
  m["contains"] = Fn({P("list", kDyn), P("value", kDyn)}, Contains, Type::Bool());
  m["concat"] = VarFn({}, P("seqs", kDyn), Concat);
  m["merge"] = VarFn({}, PNull("maps", kDyn), Merge);
  m["lookup"] = VarFn({P("inputMap", kDyn), P("key", kStr)}, P("default", kDyn), [](const std::vector<Value>& a) -> FunctionResult {
    if (a.size() > 3) return FuncErr(3, "lookup() takes two or three arguments");
    return Lookup(a);
  });
  m["keys"] = Fn({P("inputMap", kDyn)}, Keys);
  m["values"] = Fn({P("mapping", kDyn)}, Values);
  m["flatten"] = Fn({P("list", kDyn)}, Flatten);
  m["distinct"] = Fn({P("list", Type::List(kDyn))}, Distinct);
  m["compact"] = Fn({P("list", Type::List(kStr))}, Compact, Type::List(kStr));
  m["coalesce"] = VarFn({}, PNull("vals", kDyn), Coalesce);
  m["coalescelist"] = VarFn({}, PNull("vals", kDyn), CoalesceList);
  m["slice"] = Fn({P("list", kDyn), P("start_index", Type::Number()), P("end_index", Type::Number())}, Slice);
  m["sort"] = Fn({P("list", Type::List(kStr))}, Sort, Type::List(kStr));
  m["reverse"] = Fn({P("list", kDyn)}, Reverse);
  m["range"] = VarFn({}, P("params", Type::Number()), Range, Type::List(Type::Number()));
  m["chunklist"] = Fn({P("list", Type::List(kDyn)), P("size", Type::Number())}, ChunkList);
  m["zipmap"] = Fn({P("keys", Type::List(kStr)), P("values", kDyn)}, Zipmap);
  m["matchkeys"] = Fn({P("values", Type::List(kDyn)), P("keys", Type::List(kDyn)), P("searchset", Type::List(kDyn))}, MatchKeys);
  m["transpose"] = Fn({P("values", Type::Map(Type::List(kStr)))}, Transpose, Type::Map(Type::List(kStr)));
  m["setunion"] = VarFn({}, P("sets", kDyn), [](const std::vector<Value>& a) { return SetOp(a, 0); });
  m["setintersection"] = VarFn({P("first_set", kDyn)}, P("other_sets", kDyn), [](const std::vector<Value>& a) { return SetOp(a, 1); });
  m["setsubtract"] = Fn({P("a", kDyn), P("b", kDyn)}, [](const std::vector<Value>& a) { return SetOp(a, 2); });
  m["setproduct"] = VarFn({}, P("sets", kDyn), SetProduct);
  m["alltrue"] = Fn({P("list", Type::List(Type::Bool()))}, [](const std::vector<Value>& a) { return AllAny(a, true); }, Type::Bool());
  m["anytrue"] = Fn({P("list", Type::List(Type::Bool()))}, [](const std::vector<Value>& a) { return AllAny(a, false); }, Type::Bool());
  m["one"] = Fn({P("list", kDyn)}, One);
}

}  // namespace kiln::hcl::functions
