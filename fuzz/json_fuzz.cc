// Fuzz target for kiln's JSON reader (src/json): templates, var files and
// HCL's JSON syntax all go through it.
//
// LLVMFuzzerTestOneInput parses the input twice, as a template (strict) and
// as a var file (Go's quirks: duplicate keys overwrite, trailing data is
// ignored), then walks the tree as the loaders do: every key looked up, the
// position of every byte of every string (errors inside "{{ }}" point there),
// and the conversion to nlohmann::json that option decoding uses. Errors are
// expected; crashes, hangs, sanitizer reports, exceptions and positions
// outside the input are the findings.
//
// Build and run: fuzz/README.md (fuzz/build-libfuzzer.sh).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "json/value.h"

namespace {

// A broken invariant: say which, then abort (libFuzzer saves the input).
#define CHECK(cond)                                                         \
  do {                                                                      \
    if (!(cond)) {                                                          \
      std::fprintf(stderr, "json_fuzz.cc:%d: check failed: %s\n", __LINE__, #cond); \
      std::abort();                                                         \
    }                                                                       \
  } while (0)

void CheckPos(const kiln::SourcePos& p, size_t size) {
  CHECK(p.line >= 1 && p.column >= 1 && p.byte >= 0 && static_cast<size_t>(p.byte) <= size);
}

void Walk(const kiln::json::Value& v, size_t size, int depth) {
  CHECK(depth <= 600);
  (void)kiln::json::KindName(v.kind);
  CheckPos(v.range.start, size);
  CheckPos(v.range.end, size);
  CHECK(v.range.start.byte <= v.range.end.byte);
  if (v.is_string()) {
    // Each decoded byte maps to a source byte inside the string's quotes
    // (PosOfChar walks the escapes, so long strings are sampled).
    auto check_at = [&](size_t i) {
      kiln::SourcePos p = v.PosOfChar(i);
      CHECK(p.byte > v.range.start.byte && p.byte < v.range.end.byte);
      CHECK(p.line == v.range.start.line);
    };
    size_t step = v.text.size() / 64 + 1;
    for (size_t i = 0; i < v.text.size(); i += step) check_at(i);
    check_at(v.text.size());
    (void)v.RangeOfChars(0, v.text.size());
  }
  for (const kiln::json::Value& item : v.items) Walk(item, size, depth + 1);
  for (const kiln::json::Member& m : v.members) {
    CheckPos(m.key_range.start, size);
    CHECK(v.FindMember(m.key) != nullptr);
    Walk(m.value, size, depth + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 65536) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::string kFile = "fuzz.json";
  for (kiln::json::ParseOptions options :
       {kiln::json::ParseOptions{}, kiln::json::ParseOptions{.allow_duplicate_keys = true,
                                                              .ignore_trailing_data = true}}) {
    kiln::Result<kiln::json::Value> v = kiln::json::Parse(text, kFile, options);
    if (!v) {
      CHECK(v.error().where.has_value());
      CheckPos(v.error().where->start, size);
      (void)v.error().Message();
      continue;
    }
    Walk(*v, size, 0);
    // No try/catch: kiln calls ToJson without one, so a throw is a finding.
    (void)v->ToJson();
  }
  return 0;
}
