// Every component type kiln knows, by kind and Packer type name.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "template/schema.h"

namespace kiln::catalog {

enum class Kind { kBuilder, kProvisioner, kPostProcessor };

// The option schema of `type`, or nullptr when kiln has no such component.
const tmpl::Schema* FindSchema(Kind kind, std::string_view type);
// Sorted type names of one kind, for "known types are: ..." errors.
std::vector<std::string> KnownTypes(Kind kind);

}  // namespace kiln::catalog
