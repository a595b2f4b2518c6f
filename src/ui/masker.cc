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

void Masker::AddForm(std::string form) {
  if (form.empty() || std::find(forms_.begin(), forms_.end(), form) != forms_.end()) return;
  forms_.push_back(std::move(form));
  std::stable_sort(forms_.begin(), forms_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void Masker::Add(std::string_view secret) {
  if (secret.empty()) return;
  AddForm(std::string(secret));
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
  if (forms_.empty()) return std::string(text);
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    bool matched = false;
    for (const std::string& form : forms_) {
      if (text.compare(i, form.size(), form) == 0) {
        out += kMask;
        i += form.size();
        matched = true;
        break;
      }
    }
    if (!matched) out += text[i++];
  }
  return out;
}

}  // namespace kiln::ui
