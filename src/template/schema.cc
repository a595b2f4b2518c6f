#include "template/schema.h"

namespace kiln::tmpl {

const nlohmann::json& DecodedConfig::operator[](std::string_view name) const {
  static const nlohmann::json kNull;
  auto it = values.find(name);
  return it == values.end() ? kNull : *it;
}

bool DecodedConfig::Given(std::string_view name) const {
  const nlohmann::json& v = (*this)[name];
  if (v.is_string()) return !v.get_ref<const std::string&>().empty();
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v != 0;
  return !v.is_null() && !v.empty();
}

std::string DecodedConfig::String(std::string_view name) const {
  const nlohmann::json& v = (*this)[name];
  return v.is_string() ? v.get<std::string>() : std::string();
}

bool DecodedConfig::Bool(std::string_view name) const {
  const nlohmann::json& v = (*this)[name];
  return v.is_boolean() && v.get<bool>();
}

std::vector<std::string> DecodedConfig::Strings(std::string_view name) const {
  std::vector<std::string> out;
  for (const nlohmann::json& v : (*this)[name])
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

SourceRange DecodedConfig::At(std::string_view name) const {
  auto it = positions.find(name);
  return it == positions.end() ? where : it->second;
}

const Option* Schema::Find(std::string_view name) const {
  for (const Option& o : options)
    if (o.name == name) return &o;
  for (const Schema* s : includes)
    if (const Option* o = s->Find(name)) return o;
  return nullptr;
}

std::vector<std::string> Schema::Names() const {
  std::vector<std::string> names;
  for (const Option& o : options) names.push_back(o.name);
  for (const Schema* s : includes)
    for (std::string& n : s->Names()) names.push_back(std::move(n));
  return names;
}

}  // namespace kiln::tmpl
