// cty-like values. A Value has a Type and is known, null, or unknown;
// numbers are exact rationals (GMP mpq: integers beyond 2^53, exact
// decimals); collections and structures hold child Values. Values are
// immutable and cheap to copy (the payload is shared).
//
// Marks: a value may be marked sensitive. Operations and functions propagate
// the mark from any operand to their result; Unmark*/HasMarks look inside.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gmpxx.h>

#include "hcl/type.h"

namespace kiln::hcl {

class Value {
 public:
  // The null value of dynamic type.
  Value();

  static Value Null(Type type = Type::Dynamic());
  static Value Unknown(Type type = Type::Dynamic());
  static Value String(std::string s);
  static Value Number(const mpq_class& n);
  static Value Number(std::int64_t n);
  static Value Number(int n) { return Number(static_cast<std::int64_t>(n)); }
  // Parses HCL/JSON number syntax ("12", "-1.5e3", "0.1" exactly); nullopt if invalid.
  static std::optional<Value> ParseNumber(std::string_view text);
  // Approximates a double exactly as its binary value would print shortest.
  static Value NumberFromDouble(double d);
  static Value Bool(bool b);
  static Value True() { return Bool(true); }
  static Value False() { return Bool(false); }
  // Collections: all elements must already be of `element` type (use
  // Convert to unify first). Set elements are deduplicated and ordered.
  static Value List(std::vector<Value> elements, Type element);
  static Value Set(std::vector<Value> elements, Type element);
  static Value Map(std::map<std::string, Value> elements, Type element);
  // Structural: the type follows from the children.
  static Value Tuple(std::vector<Value> elements);
  static Value Object(std::map<std::string, Value> attributes);
  // Shortcuts: list of strings / map of strings.
  static Value StringList(const std::vector<std::string>& items);

  const Type& type() const { return type_; }
  bool is_null() const { return state_ == State::kNull; }
  bool is_known() const { return state_ != State::kUnknown; }
  // Known all the way down (no unknown child).
  bool IsWhollyKnown() const;

  // Accessors; call only on known, non-null values of the matching kind.
  bool AsBool() const;
  const std::string& AsString() const;
  const mpq_class& AsNumber() const;
  // Elements of a list, set or tuple (in order; sets in their canonical order).
  const std::vector<Value>& Elements() const;
  // Elements of a map or attributes of an object.
  const std::map<std::string, Value>& Attributes() const;
  // Number of elements/attributes of a collection or structure, or string length in characters.
  std::size_t Length() const;
  bool HasAttribute(const std::string& name) const;
  // The attribute/element or a null Value if missing.
  Value GetAttr(const std::string& name) const;
  Value Index(std::size_t i) const;

  // Numbers: whether it is an integer, and conversions (nullopt if out of range / not whole).
  bool IsInteger() const;
  std::optional<std::int64_t> AsInt64() const;
  double AsDouble() const;

  // Marks.
  bool sensitive() const { return sensitive_; }
  Value Marked(bool sensitive = true) const;
  Value Unmarked() const;
  // True if this value or any child is marked sensitive.
  bool HasSensitiveDeep() const;
  // Strips marks everywhere; reports whether any were present.
  Value UnmarkedDeep(bool* had_sensitive = nullptr) const;

  // Exact equality of type, state and content (unknowns are equal only to
  // unknowns of the same type; marks are ignored).
  bool RawEquals(const Value& other) const;
  bool operator==(const Value& other) const { return RawEquals(other); }

  // A total order used for set element ordering (cty's order: by type,
  // then numbers numerically, strings lexically, ...).
  static bool Less(const Value& a, const Value& b);

  // For messages and tests: HCL-ish rendering, e.g. `{"a" = 1, "b" = [true]}`.
  std::string DebugString() const;

  struct Payload;

 private:
  enum class State : std::uint8_t { kKnown, kNull, kUnknown };
  Type type_;
  State state_ = State::kNull;
  bool sensitive_ = false;
  std::shared_ptr<const Payload> payload_;
};

// Number formatting as HCL/cty renders numbers to strings: integers in full,
// terminating decimals exactly ("0.1"), others with 17 significant digits at most.
std::string FormatNumber(const mpq_class& n);

}  // namespace kiln::hcl
