#include "ui/masker.h"

#include <fmt/format.h>

#include <algorithm>

namespace kiln::ui {

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
  }
  return out;
}

std::string UrlEncode(std::string_view s, bool plus_for_space) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else if (c == ' ' && plus_for_space) out += '+';
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string Base64(std::string_view s) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8) |
                 static_cast<unsigned char>(s[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (i < s.size()) {
    unsigned n = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size()) n |= static_cast<unsigned char>(s[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < s.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string MachineEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ',') out += "%!(PACKER_COMMA)";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return out;
}

std::string ShellQuoteInner(std::string_view s) {
  std::string out;
  for (char c : s) out += c == '\'' ? std::string_view("'\"'\"'") : std::string_view(&c, 1);
  return out;
}

void Masker::AddForm(std::string form) {
  if (form.empty()) return;
  first_byte_[static_cast<unsigned char>(form.front())] = true;
  by_length_[form.size()].insert(std::move(form));
}

std::size_t Masker::MatchAt(std::string_view text, std::size_t i) const {
  if (!first_byte_[static_cast<unsigned char>(text[i])]) return 0;
  std::string key;
  for (const auto& [length, forms] : by_length_) {
    if (length > text.size() - i) continue;
    key.assign(text.substr(i, length));
    if (forms.contains(key)) return length;
  }
  return 0;
}

void Masker::Add(std::string_view secret) {
  AddOne(secret);
  if (secret.find('\n') == std::string_view::npos) return;
  // Each line on its own: commands print a multi-line value line by line.
  for (std::size_t start = 0; start <= secret.size();) {
    std::size_t nl = secret.find('\n', start);
    std::string_view line = secret.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    constexpr std::string_view kBlank = " \t\r\v\f";
    std::size_t first = line.find_first_not_of(kBlank);
    if (first != std::string_view::npos) {
      line = line.substr(first, line.find_last_not_of(kBlank) - first + 1);
      if (line.size() >= kMinLineSecret) AddOne(line);
    }
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
}

void Masker::AddOne(std::string_view secret) {
  if (secret.empty()) return;
  AddForm(std::string(secret));
  AddForm(ShellQuoteInner(secret));
  AddForm(JsonEscape(secret));
  AddForm(MachineEscape(secret));
  AddForm(UrlEncode(secret, false));
  AddForm(UrlEncode(secret, true));
  std::string b64 = Base64(secret);
  AddForm(b64);
  // Inside a longer base64 text the secret's encoding depends on where it
  // starts; the characters fixed by the secret alone are hidden for each of
  // the three alignments. Short secrets would give fragments too short to
  // mean anything, so only longer ones get this.
  if (secret.size() >= 6) {
    std::string trimmed = b64.substr(0, b64.find('='));
    if (secret.size() % 3 != 0 && !trimmed.empty()) trimmed.pop_back();  // last char mixes in what follows
    AddForm(trimmed);
    for (int lead = 1; lead <= 2; ++lead) {
      // The first group mixes in `lead` unknown bytes and the last partial
      // group whatever follows; the whole groups in between are fixed.
      std::string enc = Base64(std::string(lead, '\0') + std::string(secret));
      std::size_t whole_groups = (secret.size() - (3 - lead)) / 3;
      if (whole_groups >= 2) AddForm(enc.substr(4, whole_groups * 4));
    }
  }
}

std::string Masker::Apply(std::string_view text) const {
  if (empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (std::size_t matched = MatchAt(text, i)) {
      out += kMask;
      i += matched;
    } else {
      out += text[i++];
    }
  }
  return out;
}

std::size_t Masker::SafeCut(std::string_view text, std::size_t at) const {
  if (at >= text.size()) return at;
  // The same left-to-right, longest-first matching as Apply, up to `at`.
  std::size_t i = 0;
  while (i < at) {
    std::size_t matched = MatchAt(text, i);
    if (matched == 0) {
      ++i;
      continue;
    }
    if (i + matched > at) return i == 0 ? at : i;  // a secret longer than a whole piece cannot be kept whole
    i += matched;
  }
  return at;
}

}  // namespace kiln::ui
