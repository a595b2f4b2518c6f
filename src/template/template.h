// The template as written: what a legacy JSON template (and, later, an HCL2
// one) declares, before variables are applied and components are decoded.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "json/value.h"
#include "util/error.h"

namespace kiln::tmpl {

struct Variable {
  std::string name;
  std::optional<std::string> default_value;  // nullopt: required
  bool sensitive = false;
  SourceRange where;          // the variable's key
  json::Value default_node;   // for positions inside the default
};

// A builder, provisioner or post-processor: its type, name and own options.
struct Component {
  std::string type;
  std::string name;         // builders and post-processors: defaults to type
  std::string label;        // "provisioner 2", "post-processor 1.2" in messages
  SourceRange where;        // the component's object
  SourceRange name_range;   // the "name" value, when given
  SourceRange type_range;   // the "type" value
  json::Value options;      // the object without the common keys
};

struct Provisioner : Component {
  std::vector<std::string> only;
  std::vector<std::string> except;
  // pause_before, max_retries and timeout as written: they may use
  // variables, so they are decoded with the component (see prepare.h).
  json::Value common;
  // Options merged over `options` for the named builds.
  std::map<std::string, json::Value> overrides;
  std::map<std::string, SourceRange> override_keys;
};

struct PostProcessor : Component {
  std::vector<std::string> only;
  std::vector<std::string> except;
  std::optional<bool> keep_input_artifact;
};

using Chain = std::vector<PostProcessor>;

struct Template {
  std::string path;          // as given on the command line
  std::string dir;           // absolute directory, for {{template_dir}}
  std::string description;
  std::string min_packer_version;
  SourceRange min_packer_version_range;
  std::vector<Variable> variables;
  std::vector<Component> builders;
  std::vector<Provisioner> provisioners;
  std::vector<Chain> post_processors;
  std::optional<Provisioner> error_cleanup_provisioner;

  const Variable* FindVariable(std::string_view name) const;
  const Component* FindBuilder(std::string_view name) const;
};

}  // namespace kiln::tmpl
