// Replaces secrets with "<sensitive>" in text bound for any output. Beyond
// the plain value it also hides the forms a secret takes when software
// around kiln encodes it: JSON-escaped, URL-encoded, base64, and escaped for
// -machine-readable lines (where Packer once leaked passwords with commas).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kiln::ui {

inline constexpr std::string_view kMask = "<sensitive>";

class Masker {
 public:
  // Registers a secret and its encoded forms. Empty values are ignored:
  // masking "" would hide nothing and corrupt everything.
  void Add(std::string_view secret);
  std::string Apply(std::string_view text) const;
  bool empty() const { return forms_.empty(); }

 private:
  void AddForm(std::string form);
  std::vector<std::string> forms_;  // longest first, so no form is half-masked
};

// The encodings the masker knows, exposed for tests.
std::string JsonEscape(std::string_view s);
std::string UrlEncode(std::string_view s, bool plus_for_space);
std::string Base64(std::string_view s);
std::string MachineEscape(std::string_view s);

}  // namespace kiln::ui
