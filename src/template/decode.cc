#include "template/decode.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "template/weak_decode.h"
#include "util/float64.h"
#include "util/go_duration.h"

namespace kiln::tmpl {
namespace {

std::string_view KindWord(OptionKind kind) {
  switch (kind) {
    case OptionKind::kString: return "string";
    case OptionKind::kBool: return "bool";
    case OptionKind::kInt: return "int";
    case OptionKind::kFloat: return "float";
    case OptionKind::kDuration: return "duration";
    case OptionKind::kStringList: return "list of strings";
    case OptionKind::kIntList: return "list of ints";
    case OptionKind::kStringMap: return "map of strings";
    case OptionKind::kBlock: return "object";
    case OptionKind::kBlockList: return "list of objects";
    case OptionKind::kAny: return "value";
  }
  return "value";
}

class Decoder {
 public:
  Decoder(const interpolate::Context& ctx, std::string_view label, Diagnostics& diags)
      : ctx_(ctx), label_(label), diags_(diags) {}

  DecodedConfig Decode(const json::Value& object, const Schema& schema) {
    const std::size_t diags_before = diags_.size();
    DecodedConfig out;
    out.where = object.range;
    positions_ = &out.positions;
    out.values = Object(object, schema, "");
    if (schema.check && !failed_) schema.check(out, diags_);
    // Prepare only a config that decoded cleanly, so no problem is reported twice.
    bool clean = std::none_of(diags_.begin() + diags_before, diags_.end(), [](const Error& e) { return !e.warning; });
    if (schema.prepare && clean)
      if (Result<void> prepared = schema.prepare(out); !prepared) diags_.push_back(std::move(prepared.error()));
    return out;
  }

 private:
  // Option lookup as mapstructure does it: exact name first, then ignoring case.
  static const Option* FindOption(const Schema& schema, std::string_view key) {
    if (const Option* o = schema.Find(key)) return o;
    for (const std::string& name : schema.Names())
      if (name.size() == key.size() &&
          std::equal(name.begin(), name.end(), key.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
        return schema.Find(name);
    return nullptr;
  }

  nlohmann::json Object(const json::Value& object, const Schema& schema, const std::string& prefix) {
    nlohmann::json values = nlohmann::json::object();
    for (const json::Member& m : object.members) {
      const Option* opt = FindOption(schema, m.key);
      if (!opt) {
        std::string hint = ClosestName(m.key, schema.Names());
        diags_.push_back(MakeError(
            m.key_range, fmt::format("{}: unknown configuration key: '{}{}'", label_, prefix, m.key),
            hint.empty() ? "remove it" : fmt::format("did you mean '{}'?", hint)));
        continue;
      }
      if (!opt->replaced_by.empty()) {
        Error warning = MakeError(m.key_range, fmt::format("{}: '{}{}' is deprecated", label_, prefix, m.key),
                                  fmt::format("use '{}' instead", opt->replaced_by));
        warning.warning = true;
        diags_.push_back(std::move(warning));
      }
      std::string path = prefix + opt->name;
      (*positions_)[path] = m.value.range;
      values[opt->name] = Value(m.value, *opt, path);
    }
    for (const Option& opt : AllOptions(schema)) {
      bool present = values.contains(opt.name);
      bool empty = present && values[opt.name].is_string() && values[opt.name].get_ref<const std::string&>().empty();
      if (opt.required && (!present || empty || values[opt.name].is_null()))
        diags_.push_back(MakeError(object.range, fmt::format("{}: '{}{}' must be specified", label_, prefix, opt.name),
                                   present ? "it is set, but to an empty value"
                                           : fmt::format("add \"{}\": <{}>", opt.name, KindWord(opt.kind))));
      if (!present) values[opt.name] = opt.default_value;
    }
    return values;
  }

  static std::vector<Option> AllOptions(const Schema& schema) {
    std::vector<Option> all = schema.options;
    for (const Schema* s : schema.includes)
      for (Option& o : AllOptions(*s))
        if (std::none_of(all.begin(), all.end(), [&](const Option& a) { return a.name == o.name; }))
          all.push_back(std::move(o));
    return all;
  }

  static std::string Shortened(const std::string& text) {
    return text.size() > 40 ? text.substr(0, 40) + "..." : text;
  }

  void TypeError(const json::Value& v, const std::string& path, OptionKind kind, std::string detail = {}) {
    failed_ = true;
    if (detail.empty()) detail = fmt::format("found {}", json::KindName(v.kind));
    diags_.push_back(MakeError(v.range, fmt::format("{}: cannot parse '{}' as {}", label_, path, KindWord(kind)),
                               std::move(detail)));
  }

  // A scalar after interpolation, as the JSON value it stands for.
  std::optional<json::Value> Rendered(const json::Value& v, const Option& opt, const std::string& path) {
    if (!v.is_string() || opt.deferred) return v;
    std::optional<std::string> text = RenderAt(v, ctx_, fmt::format("{}: '{}'", label_, path), diags_);
    if (!text) {
      failed_ = true;
      return std::nullopt;
    }
    json::Value out = v;
    out.text = std::move(*text);
    return out;
  }

  // A lone scalar where a list is wanted: Packer splits a string on commas
  // ("" is the empty list) and wraps anything else.
  std::vector<json::Value> Items(const json::Value& raw, const Option& opt, const std::string& path) {
    if (raw.is_array()) return raw.items;
    if (!raw.is_string()) return {raw};
    std::optional<json::Value> v = Rendered(raw, opt, path);
    if (!v || v->text.empty()) return {};
    std::vector<json::Value> items;
    std::size_t start = 0;
    while (true) {
      std::size_t comma = v->text.find(',', start);
      json::Value item = raw;
      item.text = v->text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      item.escapes.clear();
      items.push_back(std::move(item));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return items;
  }

  nlohmann::json Scalar(const json::Value& raw, const Option& opt, const std::string& path) {
    std::optional<json::Value> v = Rendered(raw, opt, path);
    if (!v) return nullptr;
    auto quoted = [&](std::string_view what) {
      return v->is_string() ? fmt::format("\"{}\" is not {}", v->text, what) : std::string();
    };
    // A number beyond a double's range (HCL keeps 1e400 exact; the JSON
    // reader already rejects it) is no bool, int, float or duration.
    if (v->kind == json::Kind::kNumber && opt.kind != OptionKind::kString && !ParseFloat64(v->text)) {
      failed_ = true;
      diags_.push_back(MakeError(raw.range, fmt::format("{}: '{}': number out of range", label_, path),
                                 fmt::format("{} does not fit in a 64-bit float", Shortened(v->text))));
      return nullptr;
    }
    switch (opt.kind) {
      case OptionKind::kString:
        if (auto s = WeakString(*v)) return *s;
        TypeError(raw, path, opt.kind);
        return nullptr;
      case OptionKind::kBool:
        if (auto b = WeakBool(*v)) return *b;
        TypeError(raw, path, opt.kind, quoted("true or false"));
        return nullptr;
      case OptionKind::kInt:
        if (auto n = WeakInt(*v)) return *n;
        TypeError(raw, path, opt.kind, quoted("a whole number"));
        return nullptr;
      case OptionKind::kFloat:
        if (auto d = WeakFloat(*v)) return *d;
        TypeError(raw, path, opt.kind, quoted("a number"));
        return nullptr;
      case OptionKind::kDuration:
        if (v->is_string() && (opt.deferred || IsGoDuration(v->text))) return v->text;
        if (v->kind == json::Kind::kNumber) {
          // Go: a number is nanoseconds, truncated to an int64 (which a
          // time.Duration is); beyond ±2^63 ns (about 292 years) it is an error.
          double ns = std::trunc(*ParseFloat64(v->text));
          if (std::fabs(ns) < 9223372036854775807.0) return fmt::format("{}ns", static_cast<long long>(ns));
          TypeError(raw, path, opt.kind,
                    fmt::format("{} ns is out of range: a duration is at most 2562047h47m16.854775807s",
                                Shortened(v->text)));
          return nullptr;
        }
        TypeError(raw, path, opt.kind, quoted("a duration; write e.g. \"10s\", \"5m\" or \"1h30m\""));
        return nullptr;
      default:
        return nullptr;
    }
  }

  nlohmann::json List(const json::Value& raw, const Option& opt, const std::string& path, OptionKind item_kind) {
    if (raw.is_object()) {
      TypeError(raw, path, opt.kind, "found an object; write [\"...\"]");
      return nullptr;
    }
    nlohmann::json list = nlohmann::json::array();
    Option item = opt;
    item.kind = item_kind;
    std::vector<json::Value> items = Items(raw, opt, path);
    // Items split from one string were rendered already.
    if (!raw.is_array() && raw.is_string()) item.deferred = true;
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string item_path = fmt::format("{}[{}]", path, i);
      if (raw.is_array()) (*positions_)[item_path] = items[i].range;
      if (items[i].is_array() || items[i].is_object()) {
        TypeError(items[i], item_path, item_kind);
        continue;
      }
      list.push_back(Scalar(items[i], item, item_path));
    }
    return list;
  }

  nlohmann::json Value(const json::Value& raw, const Option& opt, const std::string& path) {
    if (raw.is_null()) return nullptr;
    switch (opt.kind) {
      case OptionKind::kString:
      case OptionKind::kBool:
      case OptionKind::kInt:
      case OptionKind::kFloat:
      case OptionKind::kDuration:
        if (raw.is_array() || raw.is_object()) {
          TypeError(raw, path, opt.kind);
          return nullptr;
        }
        return Scalar(raw, opt, path);
      case OptionKind::kStringList: return List(raw, opt, path, OptionKind::kString);
      case OptionKind::kIntList: return List(raw, opt, path, OptionKind::kInt);
      case OptionKind::kStringMap: {
        if (!raw.is_object()) {
          TypeError(raw, path, opt.kind);
          return nullptr;
        }
        nlohmann::json map = nlohmann::json::object();
        Option item = opt;
        item.kind = OptionKind::kString;
        for (const json::Member& m : raw.members) map[m.key] = Value(m.value, item, path + "." + m.key);
        return map;
      }
      case OptionKind::kBlock:
        if (!raw.is_object()) {
          TypeError(raw, path, opt.kind);
          return nullptr;
        }
        return Object(raw, *opt.block, path + ".");
      case OptionKind::kBlockList: {
        // A lone object is a list of one, as Packer decodes it.
        std::vector<json::Value> items = raw.is_object() ? std::vector<json::Value>{raw} : raw.items;
        if (!raw.is_array() && !raw.is_object()) {
          TypeError(raw, path, opt.kind);
          return nullptr;
        }
        nlohmann::json list = nlohmann::json::array();
        for (std::size_t i = 0; i < items.size(); ++i) {
          std::string item_path = fmt::format("{}[{}]", path, i);
          (*positions_)[item_path] = items[i].range;
          if (!items[i].is_object()) {
            TypeError(items[i], item_path, OptionKind::kBlock);
            continue;
          }
          list.push_back(Object(items[i], *opt.block, item_path + "."));
        }
        return list;
      }
      case OptionKind::kAny: return Any(raw, opt, path);
    }
    return nullptr;
  }

  nlohmann::json Any(const json::Value& raw, const Option& opt, const std::string& path) {
    switch (raw.kind) {
      case json::Kind::kString: {
        auto v = Rendered(raw, opt, path);
        return v ? nlohmann::json(v->text) : nlohmann::json();
      }
      case json::Kind::kArray: {
        nlohmann::json list = nlohmann::json::array();
        for (const json::Value& v : raw.items) list.push_back(Any(v, opt, path));
        return list;
      }
      case json::Kind::kObject: {
        nlohmann::json map = nlohmann::json::object();
        for (const json::Member& m : raw.members) map[m.key] = Any(m.value, opt, path);
        return map;
      }
      default: return raw.ToJson();
    }
  }

  const interpolate::Context& ctx_;
  std::string_view label_;
  Diagnostics& diags_;
  std::map<std::string, SourceRange, std::less<>>* positions_ = nullptr;
  bool failed_ = false;
};

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const std::string& c : candidates) {
    std::size_t d = EditDistance(name, c);
    if (d < best_distance) best = c, best_distance = d;
  }
  return best;
}

std::optional<std::string> RenderAt(const json::Value& v, const interpolate::Context& ctx,
                                    std::string_view what, Diagnostics& diags) {
  if (!interpolate::HasActions(v.text)) return v.text;
  Result<std::string> out = interpolate::Render(v.text, ctx);
  if (out) return std::move(*out);
  Error e = out.error();
  // Point at the "{{" of the action that failed, wherever inside it the
  // engine found the problem.
  std::size_t offset = e.where ? static_cast<std::size_t>(e.where->start.byte) : 0;
  std::size_t open = v.text.rfind("{{", offset + 1);
  if (open != std::string::npos) offset = open;
  e.where = v.RangeOfChars(offset, 2);
  e.summary = fmt::format("{}: {}", what, e.summary);
  diags.push_back(std::move(e));
  return std::nullopt;
}

DecodedConfig Decode(const json::Value& object, const Schema& schema, const interpolate::Context& ctx,
                     std::string_view label, Diagnostics& diags) {
  return Decoder(ctx, label, diags).Decode(object, schema);
}

}  // namespace kiln::tmpl
