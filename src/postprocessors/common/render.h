// Rendering the options post-processors leave for run time (`output`).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "engine/build_context.h"
#include "template/schema.h"
#include "util/error.h"

namespace kiln::postprocessors {

// Renders `text` with the build's context. Its data fields are the build
// values ({{.ID}}), then {{.BuildName}} and {{.BuilderType}}, then `fields`
// (later ones win), as Packer fills a post-processor's template data. An
// unknown field is an error naming `option`.
Result<std::string> RenderDeferred(std::string_view option, std::string_view text, const engine::BuildContext& ctx,
                                   const std::map<std::string, std::string>& fields = {});

// Validate time: the deferred option `option` must parse as a template.
// Reports at the option's position.
void CheckDeferredTemplate(const tmpl::DecodedConfig& c, std::string_view option, Diagnostics& diags);

}  // namespace kiln::postprocessors
