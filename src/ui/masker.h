// Replaces secrets with "<sensitive>" in text bound for any output. Beyond
// the plain value it also hides the forms a secret takes when software
// around kiln encodes it: JSON-escaped, URL-encoded, base64, and escaped for
// -machine-readable lines (where Packer once leaked passwords with commas),
// and shell-quoted as kiln quotes values for /bin/sh (' becomes '"'"').
//
// A multi-line secret (a private key, a certificate) reaches the output one
// line at a time when a command prints it, so each of its lines is a secret
// of its own too, as Packer 1.15 masks them. Only lines of at least
// kMinLineSecret bytes (surrounding blanks trimmed) count: masking a "}" or
// an empty line of a key file would mask every brace and blank line kiln
// prints. Shorter lines still go masked as part of the whole value.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>

namespace kiln::ui {

inline constexpr std::string_view kMask = "<sensitive>";
inline constexpr std::size_t kMinLineSecret = 6;

class Masker {
 public:
  // Registers a secret and its encoded forms. Empty values are ignored:
  // masking "" would hide nothing and corrupt everything.
  void Add(std::string_view secret);
  std::string Apply(std::string_view text) const;
  bool empty() const { return by_length_.empty(); }
  // The length of the longest form: how far past a cut a secret can reach.
  std::size_t longest() const { return by_length_.empty() ? 0 : by_length_.begin()->first; }
  // Where to cut `text` into two writes, at most `at`, so that no secret
  // Apply would find in `text` is cut in two: `at` itself unless a secret
  // spans it, then where that secret starts. `text` should extend at least
  // longest() bytes past `at` (or be complete). For splitters of long lines.
  std::size_t SafeCut(std::string_view text, std::size_t at) const;

 private:
  void AddOne(std::string_view secret);
  void AddForm(std::string form);
  // The length of the longest form that stands at text[i], or 0.
  std::size_t MatchAt(std::string_view text, std::size_t i) const;
  // Forms grouped by length, longest first, so no form is half-masked; a
  // hash set per length keeps adding and matching independent of how many
  // secrets there are (a template may declare thousands).
  std::map<std::size_t, std::unordered_set<std::string>, std::greater<>> by_length_;
  std::array<bool, 256> first_byte_{};  // bytes some form starts with
};

// The encodings the masker knows, exposed for tests.
std::string JsonEscape(std::string_view s);
std::string UrlEncode(std::string_view s, bool plus_for_space);
std::string Base64(std::string_view s);
std::string MachineEscape(std::string_view s);
// The inside of a single-quoted /bin/sh word: ' becomes '"'"'.
std::string ShellQuoteInner(std::string_view s);

}  // namespace kiln::ui
