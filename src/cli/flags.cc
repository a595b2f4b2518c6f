#include "cli/flags.h"

#include <fmt/format.h>

#include <charconv>

#include "template/weak_decode.h"

namespace kiln::cli {

void FlagSet::Bool(std::string name, bool* target, std::string help) {
  flags_.push_back({std::move(name), true,
                    [target](std::string_view v) -> std::optional<std::string> {
                      std::optional<bool> b = v.empty() ? std::nullopt : tmpl::WeakBool(v);
                      if (!b) return fmt::format("invalid boolean value \"{}\"", v);
                      *target = *b;
                      return std::nullopt;
                    },
                    std::move(help), ""});
}

void FlagSet::String(std::string name, std::string* target, std::string help) {
  Func(std::move(name), [target](std::string_view v) -> std::optional<std::string> {
    *target = v;
    return std::nullopt;
  }, std::move(help));
}

void FlagSet::Int(std::string name, int* target, std::string help) {
  Func(std::move(name), [target](std::string_view v) -> std::optional<std::string> {
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), *target);
    if (ec != std::errc() || end != v.data() + v.size()) return fmt::format("invalid number \"{}\"", v);
    return std::nullopt;
  }, std::move(help), "N");
}

void FlagSet::List(std::string name, std::vector<std::string>* target, std::string help) {
  Func(std::move(name), [target](std::string_view v) -> std::optional<std::string> {
    std::size_t start = 0;
    while (start <= v.size()) {
      std::size_t comma = v.find(',', start);
      std::string_view item = v.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
      if (!item.empty()) target->emplace_back(item);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    return std::nullopt;
  }, std::move(help), "a,b");
}

void FlagSet::Func(std::string name, Setter setter, std::string help, std::string value_hint) {
  flags_.push_back({std::move(name), false, std::move(setter), std::move(help), std::move(value_hint)});
}

const FlagSet::Flag* FlagSet::Find(std::string_view name) const {
  for (const Flag& f : flags_)
    if (f.name == name) return &f;
  return nullptr;
}

Result<std::vector<std::string>> FlagSet::Parse(std::span<const std::string> args) {
  std::size_t i = 0;
  for (; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') break;
    if (arg == "--") {
      ++i;
      break;
    }
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    if (arg.empty() || arg[0] == '-' || arg[0] == '=')
      return std::unexpected(MakeError(fmt::format("bad flag syntax: {}", args[i])));
    std::string_view name = arg.substr(0, arg.find('='));
    std::optional<std::string_view> value;
    if (name.size() < arg.size()) value = arg.substr(name.size() + 1);
    if (name == "h" || name == "help") return std::unexpected(MakeError("help"));
    const Flag* flag = Find(name);
    if (!flag)
      return std::unexpected(MakeError(fmt::format("flag provided but not defined: -{}", name),
                                       fmt::format("run 'kiln {} -h' for the options", command_)));
    if (flag->is_bool) {
      if (auto err = flag->set(value.value_or("true")))
        return std::unexpected(MakeError(fmt::format("invalid value for flag -{}", name), *err));
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size())
        return std::unexpected(MakeError(fmt::format("flag needs an argument: -{}", name)));
      value = args[++i];
    }
    if (auto err = flag->set(*value))
      return std::unexpected(MakeError(fmt::format("invalid value \"{}\" for flag -{}", *value, name), *err));
  }
  return std::vector<std::string>(args.begin() + i, args.end());
}

std::string FlagSet::Help() const {
  std::string out = "Options:\n\n";
  for (const Flag& f : flags_) {
    std::string left = f.is_bool ? "-" + f.name : fmt::format("-{}={}", f.name, f.value_hint);
    out += fmt::format("  {:<26} {}\n", left, f.help);
  }
  return out;
}

}  // namespace kiln::cli
