#include "template/template.h"

namespace kiln::tmpl {

const Variable* Template::FindVariable(std::string_view name) const {
  for (const Variable& v : variables)
    if (v.name == name) return &v;
  return nullptr;
}

const Component* Template::FindBuilder(std::string_view name) const {
  for (const Component& b : builders)
    if (b.name == name) return &b;
  return nullptr;
}

}  // namespace kiln::tmpl
