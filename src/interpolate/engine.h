// Packer's legacy template engine: renders the {{ }} actions in JSON template
// strings with Go text/template semantics and Packer's functions.
//
//   Context ctx{.user_vars = {{"name", "web"}}, .start_time = start};
//   Result<std::string> s = Render("img-{{user `name`}}-{{timestamp}}", ctx);
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace kiln::interpolate {

struct Context {
  // {{user `x`}}. An unknown name renders "" (as in Packer), except while
  // rendering variable defaults (env_allowed), where it is an error so that
  // the caller can order or report variables.
  std::map<std::string, std::string> user_vars;
  // When set, {{user}} asks this instead of user_vars (nullopt = unknown);
  // variables resolve each other lazily through it, in any order.
  std::function<Result<std::optional<std::string>>(const std::string&)> user_lookup;
  // {{env `X`}}, consul_key, vault and aws_secretsmanager are only legal in
  // variable defaults; elsewhere they fail.
  bool env_allowed = false;
  // Reads the environment for {{env}}; nullptr means ::getenv. nullopt = unset.
  std::function<std::optional<std::string>(const std::string&)> getenv;
  // Empty build_name, build_type, template_dir or packer_version make their
  // functions fail ("build_name not available"); an empty pwd means the
  // process's working directory.
  std::string build_name, build_type, template_dir, pwd, packer_version;
  // timestamp, isotime and strftime all show this instant (UTC), so that
  // every string in a run agrees.
  std::chrono::system_clock::time_point start_time;
  // {{uuid}}; nullptr means a random version 4 UUID.
  std::function<std::string()> uuid;
  // {{build `Key`}}. nullopt: the build has not run yet, and every top-level
  // action or if/with block that calls `build` is copied to the output
  // verbatim, trim markers included, to be rendered later.
  std::optional<std::map<std::string, std::string>> build_values;
  // Builders' own options are rendered before any build value exists, so
  // there `build` is an error rather than deferred.
  bool build_allowed = true;
  // When non-empty, a deferred {{build `Key`}} must name one of these.
  std::vector<std::string> build_keys;
  // clean_resource_name is offered only where Packer offers it (amazon
  // builders' options); elsewhere it is an error.
  bool clean_resource_name_allowed = false;
  // Data fields {{.Path}} and {{.}}. nullopt defers actions that use them,
  // as for build_values; when set, an unknown field is an error.
  std::optional<std::map<std::string, std::string>> data;
};

// Renders `text`. Errors carry `where` with byte offset, line and column of
// the offending action or token relative to `text` (file left empty).
Result<std::string> Render(std::string_view text, const Context& ctx);

// Parses and checks function names and argument counts without evaluating
// anything (for `validate`). nullopt when the text is fine.
std::optional<Error> Check(std::string_view text);

// True when text contains "{{"; strings without it render to themselves.
inline bool HasActions(std::string_view text) {
  return text.find("{{") != std::string_view::npos;
}

}  // namespace kiln::interpolate
