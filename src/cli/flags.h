// Command-line flags parsed as Go's flag package does, since Packer users'
// habits come from it: -flag=value, -flag value, one or two dashes, bool
// flags as -flag or -flag=false, parsing stops at the first non-flag
// argument or at "--".
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "util/error.h"

namespace kiln::cli {

class FlagSet {
 public:
  // A flag's setter: returns an error message for a bad value.
  using Setter = std::function<std::optional<std::string>(std::string_view)>;

  explicit FlagSet(std::string command) : command_(std::move(command)) {}

  void Bool(std::string name, bool* target, std::string help);
  void String(std::string name, std::string* target, std::string help);
  void Int(std::string name, int* target, std::string help);
  // Repeatable; each use may hold a comma-separated list ("-only=a,b").
  void List(std::string name, std::vector<std::string>* target, std::string help);
  void Func(std::string name, Setter setter, std::string help, std::string value_hint = "value");

  // Parses `args`, returns the remaining positional arguments. `-h`/`-help`
  // yields an error whose summary is "help".
  Result<std::vector<std::string>> Parse(std::span<const std::string> args);
  std::string Help() const;  // the "Options:" block

 private:
  struct Flag {
    std::string name;
    bool is_bool = false;
    Setter set;
    std::string help;
    std::string value_hint;
  };
  const Flag* Find(std::string_view name) const;

  std::string command_;
  std::vector<Flag> flags_;
};

}  // namespace kiln::cli
