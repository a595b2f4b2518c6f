#include "json/value.h"

#include <algorithm>
#include <cstdlib>

namespace kiln::json {

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "a boolean";
    case Kind::kNumber: return "a number";
    case Kind::kString: return "a string";
    case Kind::kArray: return "an array";
    case Kind::kObject: return "an object";
  }
  return "a value";
}

namespace {
thread_local std::uint64_t key_comparisons = 0;
}  // namespace

std::uint64_t KeyComparisons() { return key_comparisons; }
void CountKeyComparisons(std::uint64_t n) { key_comparisons += n; }

std::string Dump(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

const Member* Value::FindMember(std::string_view key) const {
  for (const Member& m : members) {
    ++key_comparisons;
    if (m.key == key) return &m;
  }
  return nullptr;
}

const Value* Value::Find(std::string_view key) const {
  const Member* m = FindMember(key);
  return m ? &m->value : nullptr;
}

SourcePos Value::PosOfChar(std::size_t offset) const {
  // Source offset = 1 (the quote) + offset, plus whatever the escapes before
  // it added; each escape entry records the state right after one escape.
  std::size_t source = 1 + offset;
  for (const auto& [decoded, src] : escapes) {
    // Inside a bad byte replaced by U+FFFD (1 source byte, 3 decoded) the
    // offset would run past it: it stays on the byte it replaces.
    if (decoded > offset) {
      source = std::min<std::size_t>(source, src - 1);
      break;
    }
    source = src + (offset - decoded);
  }
  SourcePos pos = range.start;
  pos.column += static_cast<int>(source);
  pos.byte += static_cast<int>(source);
  return pos;
}

SourceRange Value::RangeOfChars(std::size_t offset, std::size_t length) const {
  return SourceRange{range.file, PosOfChar(offset), PosOfChar(offset + length)};
}

nlohmann::json Value::ToJson() const {
  switch (kind) {
    case Kind::kNull: return nullptr;
    case Kind::kBool: return boolean;
    case Kind::kNumber: {
      // nlohmann throws on a number beyond double (1e400); kiln's APIs do
      // not throw, so such a number becomes +-infinity (what strtod says).
      nlohmann::json n = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (!n.is_discarded()) return n;
      return std::strtod(text.c_str(), nullptr);
    }
    case Kind::kString: return text;
    case Kind::kArray: {
      nlohmann::json out = nlohmann::json::array();
      for (const Value& v : items) out.push_back(v.ToJson());
      return out;
    }
    case Kind::kObject: {
      nlohmann::json out = nlohmann::json::object();
      for (const Member& m : members) out[m.key] = m.value.ToJson();
      return out;
    }
  }
  return nullptr;
}

}  // namespace kiln::json
