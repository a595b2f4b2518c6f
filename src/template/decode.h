// Decodes a component's options against its schema: interpolates strings
// (except deferred options), converts weakly typed values, fills defaults,
// and reports unknown keys, wrong types and missing required options with
// their positions.
#pragma once

#include <string_view>

#include "interpolate/engine.h"
#include "json/value.h"
#include "template/schema.h"

namespace kiln::tmpl {

// `label` names the component in messages ("builder docker").
DecodedConfig Decode(const json::Value& object, const Schema& schema,
                     const interpolate::Context& ctx, std::string_view label,
                     Diagnostics& diags);

// Renders one template string, mapping an engine error's offset to the
// string's place in the file.
std::optional<std::string> RenderAt(const json::Value& string_value,
                                    const interpolate::Context& ctx,
                                    std::string_view what, Diagnostics& diags);

// The closest name to `name` among `candidates`, for "did you mean".
std::string ClosestName(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace kiln::tmpl
