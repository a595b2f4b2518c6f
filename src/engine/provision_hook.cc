#include "engine/provision_hook.h"

#include <fmt/format.h>

#include <atomic>
#include <optional>
#include <thread>

#include "catalog/catalog.h"
#include "ui/output.h"
#include "util/go_duration.h"

namespace kiln::engine {
namespace {

using std::chrono::nanoseconds;

// Renders every string in `v`, at any depth; `path` names it in errors.
Result<void> RenderLeaves(nlohmann::json& v, const std::string& path, const interpolate::Context& ctx) {
  if (v.is_string()) {
    const std::string& text = v.get_ref<const std::string&>();
    if (!interpolate::HasActions(text)) return {};
    Result<std::string> rendered = interpolate::Render(text, ctx);
    // The engine's position is relative to the string: drop it, name the option.
    if (!rendered)
      return std::unexpected(
          MakeError(fmt::format("'{}': {}", path, rendered.error().summary), rendered.error().detail));
    v = std::move(*rendered);
  } else if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i)
      if (Result<void> r = RenderLeaves(v[i], fmt::format("{}[{}]", path, i), ctx); !r) return r;
  } else if (v.is_object()) {
    for (auto& [key, item] : v.items())
      if (Result<void> r = RenderLeaves(item, path + "." + key, ctx); !r) return r;
  }
  return {};
}

// Renders the options in `values`, skipping deferred ones, descending into blocks.
Result<void> RenderOptions(nlohmann::json& values, const tmpl::Schema* schema, const std::string& prefix,
                           const interpolate::Context& ctx) {
  for (auto& [key, value] : values.items()) {
    const tmpl::Option* opt = schema ? schema->Find(key) : nullptr;
    if (opt && opt->deferred) continue;
    std::string path = prefix + key;
    const tmpl::Schema* block =
        opt && (opt->kind == tmpl::OptionKind::kBlock || opt->kind == tmpl::OptionKind::kBlockList) ? opt->block
                                                                                                    : nullptr;
    Result<void> r;
    if (block && value.is_object()) {
      r = RenderOptions(value, block, path + ".", ctx);
    } else if (block && value.is_array()) {
      for (std::size_t i = 0; r && i < value.size(); ++i)
        r = value[i].is_object() ? RenderOptions(value[i], block, fmt::format("{}[{}].", path, i), ctx)
                                 : RenderLeaves(value[i], fmt::format("{}[{}]", path, i), ctx);
    } else {
      r = RenderLeaves(value, path, ctx);
    }
    if (!r) return r;
  }
  return {};
}

// A duration option ("10s"); nullopt when unset or zero.
std::optional<nanoseconds> DurationOption(const tmpl::DecodedConfig& common, std::string_view name) {
  const nlohmann::json& v = common[name];
  if (!v.is_string()) return std::nullopt;
  std::optional<nanoseconds> d = ParseGoDuration(v.get_ref<const std::string&>());
  if (!d || d->count() <= 0) return std::nullopt;
  return d;
}

// Runs `fn` with a copy of `ctx` whose token trips when the build's does or
// when `timeout` passes. CancelToken has no parent link, so a watchdog
// thread polls the build's token.
Result<void> WithTimeout(BuildContext& ctx, nanoseconds timeout, Error on_timeout,
                         const std::function<Result<void>(BuildContext&)>& fn) {
  CancelToken scoped, finished;
  std::atomic<bool> timed_out{false};
  std::thread watchdog([&] {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (finished.SleepFor(std::chrono::milliseconds(20))) {
      bool expired = std::chrono::steady_clock::now() >= deadline;
      if (!expired && !ctx.cancel->cancelled()) continue;
      timed_out = expired && !ctx.cancel->cancelled();
      scoped.Cancel();
      return;
    }
  });
  BuildContext copy = ctx;
  copy.cancel = &scoped;
  Result<void> result = fn(copy);
  finished.Cancel();
  watchdog.join();
  if (timed_out) return std::unexpected(std::move(on_timeout));
  return result;
}

}  // namespace

Result<tmpl::DecodedConfig> RenderBuildValues(const tmpl::DecodedConfig& config, const tmpl::Schema* schema,
                                              const interpolate::Context& ctx) {
  tmpl::DecodedConfig rendered = config;
  if (Result<void> r = RenderOptions(rendered.values, schema, "", ctx); !r) return std::unexpected(r.error());
  return rendered;
}

void CompleteBuildValues(BuildContext& ctx) {
  if (!ctx.interp.build_values) ctx.interp.build_values.emplace();
  ctx.interp.build_values->try_emplace("PackerRunUUID", ctx.packer_run_uuid);
  for (const std::string& key : ctx.interp.build_keys) ctx.interp.build_values->try_emplace(key, "");
}

Result<void> TemplateProvisionHook::Run(BuildContext& ctx, Communicator& comm) {
  CompleteBuildValues(ctx);
  for (const tmpl::Prepared<tmpl::Provisioner>& p : build_.provisioners)
    if (Result<void> r = RunOne(p, ctx, comm); !r) return r;
  return {};
}

void TemplateProvisionHook::RunErrorCleanup(BuildContext& ctx, Communicator& comm) {
  if (!build_.error_cleanup) return;
  ctx.ui->Say("Provisioning step had errors: running the cleanup provisioner...");
  // A fresh token: like Packer, the cleanup provisioner runs even after Ctrl-C.
  CancelToken fresh;
  BuildContext cleanup = ctx;
  cleanup.cancel = &fresh;
  CompleteBuildValues(cleanup);
  if (Result<void> r = RunOne(*build_.error_cleanup, cleanup, comm); !r)
    ui::Log("{}: error-cleanup provisioner failed: {}", ctx.build_name, r.error().Message());
}

Result<void> TemplateProvisionHook::RunOne(const tmpl::Prepared<tmpl::Provisioner>& p, BuildContext& ctx,
                                           Communicator& comm) {
  const std::string& type = p.source->type;
  auto cancelled = [&](std::string_view when) {
    return std::unexpected(MakeError("build cancelled", fmt::format("interrupted {} the {} provisioner", when, type)));
  };

  // pause_before: a wait that Ctrl-C cuts short.
  if (std::optional<nanoseconds> pause = DurationOption(p.common, "pause_before")) {
    ctx.ui->Say(fmt::format("Pausing {} before the next provisioner...", p.common["pause_before"].get<std::string>()));
    if (!ctx.cancel->SleepFor(*pause)) return cancelled("while pausing before");
  }
  if (ctx.cancel->cancelled()) return cancelled("before");

  // Instantiate it now that {{build `Key`}} values exist. Packer 1.6.6
  // announces nothing here: each provisioner says what it runs.
  ui::Log("{}: Provisioning with {}", ctx.build_name, type);
  Result<tmpl::DecodedConfig> config =
      RenderBuildValues(p.config, catalog::FindSchema(catalog::Kind::kProvisioner, type), ctx.interp);
  if (!config)
    return std::unexpected(
        MakeError(fmt::format("{} ({}): {}", p.source->label, type, config.error().summary), config.error().detail));
  Result<std::unique_ptr<Provisioner>> provisioner = make_(type, *config);
  if (!provisioner) return std::unexpected(provisioner.error());

  // Provision, under the timeout if any, retrying with a doubling backoff.
  std::optional<nanoseconds> timeout = DurationOption(p.common, "timeout");
  std::string timeout_text = timeout ? p.common["timeout"].get<std::string>() : "";
  if (timeout) ctx.ui->Say(fmt::format("Setting a {} timeout for the next provisioner...", timeout_text));
  const nlohmann::json& retries_value = p.common["max_retries"];
  int max_retries = retries_value.is_number_integer() ? retries_value.get<int>() : 0;
  std::chrono::milliseconds delay = retry_backoff_;
  for (int attempt = 0;; ++attempt) {
    auto provision = [&](BuildContext& c) { return (*provisioner)->Provision(c, comm); };
    Result<void> result =
        timeout
            ? WithTimeout(ctx, *timeout,
                          MakeError(fmt::format("{} provisioner timed out after {}", type, timeout_text)), provision)
            : provision(ctx);
    if (result || attempt >= max_retries || ctx.cancel->cancelled()) return result;
    ctx.ui->Say(fmt::format("Retrying provisioner {} after error ({} of {}): {}", type, attempt + 1, max_retries,
                            result.error().Message()));
    if (!ctx.cancel->SleepFor(delay)) return result;
    delay *= 2;
  }
}

}  // namespace kiln::engine
