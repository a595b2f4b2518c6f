// Reads a legacy JSON template into the Template model. Checks structure only
// (root keys, component shapes, names, common keys); component options are
// decoded later against their schemas, once variables are known.
#pragma once

#include <string>

#include "template/template.h"
#include "util/error.h"

namespace kiln::tmpl {

// Parses `text` as the template at `path`. Problems go to `diags`; the
// returned template holds whatever could be read.
Template ParseJsonTemplate(std::string_view text, const std::string& path,
                           Diagnostics& diags);

// Reads the file at `path`, then parses it.
Template LoadJsonTemplate(const std::string& path, Diagnostics& diags);

}  // namespace kiln::tmpl
