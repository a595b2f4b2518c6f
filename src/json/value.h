// A JSON document that remembers where every value and key came from, so
// that errors about keys and values can name file:line:column. nlohmann-json
// keeps no positions; this tree converts to it once positions are no longer
// needed. Shared by legacy JSON templates, var files and HCL's JSON syntax.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace kiln::json {

enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };

// "a string", "an object", ... for messages.
std::string_view KindName(Kind kind);

struct Member;

struct Value {
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;             // a string's decoded contents, a number's source
  std::vector<Value> items;     // array elements
  std::vector<Member> members;  // object members in source order
  SourceRange range;            // the whole value, quotes included

  bool is_null() const { return kind == Kind::kNull; }
  bool is_string() const { return kind == Kind::kString; }
  bool is_object() const { return kind == Kind::kObject; }
  bool is_array() const { return kind == Kind::kArray; }

  // The member called `key`, or nullptr.
  const Value* Find(std::string_view key) const;
  const Member* FindMember(std::string_view key) const;
  // Where the `offset`-th byte of a decoded string sits in the file,
  // accounting for escapes (strings never span lines in JSON).
  SourcePos PosOfChar(std::size_t offset) const;
  SourceRange RangeOfChars(std::size_t offset, std::size_t length) const;

  nlohmann::json ToJson() const;

  // (decoded offset, source offset from the opening quote) at each escape.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> escapes;
};

struct Member {
  std::string key;
  SourceRange key_range;  // the key with its quotes
  Value value;
};

struct ParseOptions {
  // Go's encoding/json quirks, which Packer's var files inherit: a repeated
  // key overwrites, and whatever follows the first value is ignored.
  bool allow_duplicate_keys = false;
  bool ignore_trailing_data = false;
  // Go decodes a Packer template's numbers into float64: one beyond a
  // double's range (1e400) is an error ("number out of range") at the
  // number. HCL's JSON syntax keeps exact numbers and leaves this off.
  bool float64_numbers = false;
};

// Member-key comparisons made so far on this thread by FindMember and the
// parser's duplicate-key check: tests use it to show that n members cost
// O(n), without timing anything.
std::uint64_t KeyComparisons();
void CountKeyComparisons(std::uint64_t n);

// nlohmann's dump(), but bytes that are not UTF-8 (a -var value can hold
// any) come out as U+FFFD, as Go's json.Marshal writes them, instead of
// throwing. Use it for every JSON text built from user data.
std::string Dump(const nlohmann::json& j, int indent = -1);

// Parses a whole document. Duplicate keys within one object are an error, as
// in Packer's templates. `file` is used in error positions only.
Result<Value> Parse(std::string_view text, const std::string& file, ParseOptions options = {});

}  // namespace kiln::json
