#include "template/prepare.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "catalog/catalog.h"
#include "template/decode.h"

namespace kiln::tmpl {

bool GlobMatch(std::string_view pattern, std::string_view name) {
  std::size_t p = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p, ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

namespace {

// {{build `Key`}} values every build offers to provisioners and
// post-processors (Packer's generated data).
constexpr std::string_view kCommonBuildValues[] = {
    "ID",           "Host",        "Port",          "User",           "Password",      "ConnType",
    "PackerRunUUID", "PackerHTTPAddr", "PackerHTTPIP", "PackerHTTPPort", "SSHPublicKey", "SSHPrivateKey",
    "WinRMPassword"};

bool MatchesAny(const std::vector<std::string>& patterns, std::string_view name) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return GlobMatch(p, name); });
}

std::vector<int> VersionParts(std::string_view v) {
  std::vector<int> parts;
  if (!v.empty() && v[0] == 'v') v.remove_prefix(1);
  int n = 0;
  bool any = false;
  for (char c : v) {
    if (c >= '0' && c <= '9') {
      n = n * 10 + (c - '0');
      any = true;
    } else if (c == '.') {
      parts.push_back(n);
      n = 0;
    } else {
      break;  // pre-release suffix: compare the numbers only
    }
  }
  if (any) parts.push_back(n);
  return parts;
}

// A component applies to a build unless only/except say otherwise.
template <typename C>
bool AppliesTo(const C& c, std::string_view build) {
  if (!c.only.empty()) return std::find(c.only.begin(), c.only.end(), build) != c.only.end();
  return std::find(c.except.begin(), c.except.end(), build) == c.except.end();
}

const Schema* SchemaFor(catalog::Kind kind, const Component& c, Diagnostics& diags) {
  if (const Schema* s = catalog::FindSchema(kind, c.type)) return s;
  std::string_view what = kind == catalog::Kind::kBuilder       ? "builder"
                          : kind == catalog::Kind::kProvisioner ? "provisioner"
                                                                : "post-processor";
  diags.push_back(MakeError(c.type_range.file.empty() ? c.where : c.type_range,
                            fmt::format("unknown {} type '{}'", what, c.type),
                            fmt::format("known {} types: {}", what, fmt::join(catalog::KnownTypes(kind), ", "))));
  return nullptr;
}

// The provisioner's options with the build's override merged over them.
json::Value WithOverride(const Provisioner& p, std::string_view build) {
  auto it = p.overrides.find(std::string(build));
  if (it == p.overrides.end()) return p.options;
  json::Value merged = p.options;
  for (const json::Member& m : it->second.members) {
    auto same = std::find_if(merged.members.begin(), merged.members.end(),
                             [&](const json::Member& e) { return e.key == m.key; });
    if (same != merged.members.end()) same->value = m.value;
    else merged.members.push_back(m);
  }
  return merged;
}

std::optional<Prepared<Provisioner>> PrepareProvisioner(const Provisioner& p, std::string_view build,
                                                        const interpolate::Context& ctx, Diagnostics& diags) {
  const Schema* schema = SchemaFor(catalog::Kind::kProvisioner, p, diags);
  if (!schema) return std::nullopt;
  std::string label = fmt::format("{} ({})", p.label, p.type);
  return Prepared<Provisioner>{&p, Decode(WithOverride(p, build), *schema, ctx, label, diags),
                               Decode(p.common, ProvisionerCommonOptions(), ctx, label, diags)};
}

}  // namespace

std::vector<std::string> BuildValueKeys(const Schema* builder_schema) {
  std::vector<std::string> keys(std::begin(kCommonBuildValues), std::end(kCommonBuildValues));
  if (builder_schema) keys.insert(keys.end(), builder_schema->build_values.begin(), builder_schema->build_values.end());
  return keys;
}

const Schema& ProvisionerCommonOptions() {
  static const Schema schema = {
      .type = "provisioner",
      .options = {
          {.name = "pause_before", .kind = OptionKind::kDuration},
          {.name = "max_retries", .kind = OptionKind::kInt, .default_value = 0},
          {.name = "timeout", .kind = OptionKind::kDuration},
      },
  };
  return schema;
}

void CheckVersion(const Template& t, Diagnostics& diags) {
  if (t.min_packer_version.empty()) return;
  std::vector<int> want = VersionParts(t.min_packer_version);
  if (want.empty()) {
    diags.push_back(MakeError(t.min_packer_version_range,
                              fmt::format("min_packer_version '{}' is not a version", t.min_packer_version),
                              "write it as e.g. \"1.6.0\""));
    return;
  }
  if (VersionParts(kPackerCompatVersion) < want)
    diags.push_back(MakeError(t.min_packer_version_range, fmt::format("This template requires Packer version {} or higher; kiln reads templates as Packer {}",
                                          t.min_packer_version, kPackerCompatVersion)));
}

std::vector<PreparedBuild> PrepareBuilds(const Template& t, const VariableValues& vars,
                                         const BuildSelection& selection, const interpolate::Context& base,
                                         Diagnostics& diags) {
  std::vector<PreparedBuild> builds;
  for (const Component& builder : t.builders) {
    interpolate::Context ctx = base;
    ctx.user_vars = vars.values;
    ctx.build_type = builder.type;
    std::string name = builder.name;
    if (!builder.name_range.file.empty()) {
      json::Value name_node{.kind = json::Kind::kString, .text = builder.name, .range = builder.name_range};
      name = RenderAt(name_node, ctx, "name", diags).value_or(builder.name);
    }
    if (!selection.only.empty() && !MatchesAny(selection.only, name)) continue;
    if (MatchesAny(selection.except, name)) continue;
    ctx.build_name = name;

    PreparedBuild build{.name = name, .type = builder.type};
    const Schema* schema = SchemaFor(catalog::Kind::kBuilder, builder, diags);
    if (schema) {
      // A builder's own options come before any build value exists; some
      // builders also offer clean_resource_name there.
      interpolate::Context builder_ctx = ctx;
      builder_ctx.build_allowed = false;
      builder_ctx.clean_resource_name_allowed = schema->clean_resource_name;
      build.builder = {&builder, Decode(builder.options, *schema, builder_ctx,
                                        fmt::format("{} ({})", builder.label, name), diags)};
      ctx.build_keys = BuildValueKeys(schema);
    }
    for (const Provisioner& p : t.provisioners)
      if (AppliesTo(p, builder.name))
        if (auto prepared = PrepareProvisioner(p, builder.name, ctx, diags))
          build.provisioners.push_back(std::move(*prepared));
    if (t.error_cleanup_provisioner && AppliesTo(*t.error_cleanup_provisioner, builder.name))
      build.error_cleanup = PrepareProvisioner(*t.error_cleanup_provisioner, builder.name, ctx, diags);
    for (const Chain& chain : t.post_processors) {
      std::vector<Prepared<PostProcessor>> steps;
      for (const PostProcessor& pp : chain) {
        if (!AppliesTo(pp, builder.name)) continue;
        // -except naming a post-processor skips it and the rest of its chain.
        if (MatchesAny(selection.except, pp.name)) break;
        const Schema* pp_schema = SchemaFor(catalog::Kind::kPostProcessor, pp, diags);
        if (!pp_schema) continue;
        steps.push_back({&pp, Decode(pp.options, *pp_schema, ctx, fmt::format("{} ({})", pp.label, pp.type), diags)});
      }
      if (!steps.empty()) build.chains.push_back(std::move(steps));
    }
    builds.push_back(std::move(build));
  }
  return builds;
}

}  // namespace kiln::tmpl
