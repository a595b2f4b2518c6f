#include "engine/communicator.h"

#include <cctype>

#include "ui/masker.h"

namespace kiln::engine {

std::string ShellQuote(std::string_view s) {
  // The masker's rule for the inside, so a quoted secret is always hidden.
  return "'" + ui::ShellQuoteInner(s) + "'";
}

bool IsShellName(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

std::string EnvFile(const std::map<std::string, std::string>& env) {
  std::string out;
  for (const auto& [name, value] : env) out += "export " + name + "=" + ShellQuote(value) + "\n";
  return out;
}

}  // namespace kiln::engine
