// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates (U+D800 to
// U+DFFF), nothing above U+10FFFF. nlohmann-json refuses to serialize
// anything else, and Packer (Go) replaces each bad byte with U+FFFD where it
// decodes JSON; these helpers let kiln do the same instead of crashing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace kiln {

inline constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

// Length (1 to 4) of the well-formed UTF-8 sequence starting at s[i], or 0
// when the byte there does not start one (as Go's utf8.DecodeRune: each byte
// of a bad sequence is bad on its own).
int Utf8SequenceLength(std::string_view s, std::size_t i);

// The offset of the first byte that is not well-formed UTF-8, or npos.
std::size_t FindInvalidUtf8(std::string_view s);
inline bool IsValidUtf8(std::string_view s) { return FindInvalidUtf8(s) == std::string_view::npos; }

// `s` with every bad byte replaced by U+FFFD.
std::string ToValidUtf8(std::string_view s);

// Appends the UTF-8 form of `cp`; a surrogate or a value above U+10FFFF
// becomes U+FFFD.
void AppendUtf8(std::string& out, std::uint32_t cp);

}  // namespace kiln
