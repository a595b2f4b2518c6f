#include "engine/build_runner.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>
#include <utility>

#include "ui/output.h"
#include "util/prompt.h"

namespace kiln::engine {
namespace {

using Clock = std::chrono::steady_clock;

// What one build left: its artifacts, its errors, how long it took, what it
// made and removed, and whether the run was interrupted by the time it ended.
struct Outcome {
  std::vector<std::unique_ptr<Artifact>> artifacts;
  std::vector<Error> errors;
  std::chrono::milliseconds elapsed{};
  std::shared_ptr<ResourceLog> resources;
  bool interrupted = false;
};

std::string RunUuid() {
  if (const char* env = std::getenv("PACKER_RUN_UUID"); env && *env) return env;
  // The template engine's {{uuid}} is a random version 4 UUID.
  return interpolate::Render("{{uuid}}", interpolate::Context{}).value_or("");
}

std::string ErrorText(const std::vector<Error>& errors) {
  if (errors.size() == 1) return errors.front().Message();
  std::string text = fmt::format("{} errors occurred:", errors.size());
  for (const Error& e : errors) text += "\n* " + e.Message();
  return text;
}

std::chrono::milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

BuildContext MakeContext(const tmpl::PreparedBuild& b, const interpolate::Context& base,
                         const std::map<std::string, std::string>& user_vars, const RunOptions& options,
                         const std::string& run_uuid, ui::Ui& build_ui, CancelToken& cancel) {
  BuildContext ctx{.build_name = b.name,
                   .build_type = b.type,
                   .ui = &build_ui,
                   .cancel = &cancel,
                   .on_error = options.on_error,
                   .debug = options.debug,
                   .force = options.force,
                   .packer_run_uuid = run_uuid,
                   .interp = base};
  ctx.resources = std::make_shared<ResourceLog>();
  ctx.interp.user_vars = user_vars;
  ctx.interp.build_name = b.name;
  ctx.interp.build_type = b.type;
  ctx.interp.build_keys = tmpl::BuildValueKeys(catalog::FindSchema(catalog::Kind::kBuilder, b.type));
  ctx.prompt = [ui = &build_ui, cancel = &cancel, fd = options.input_fd](const std::string& question) {
    return AskLine([&] { ui->Say(question); }, cancel, fd);
  };
  return ctx;
}

// Runs one post-processor on `input`, its options rendered with the build values.
Result<PostProcessResult> RunPostProcessor(const tmpl::Prepared<tmpl::PostProcessor>& pp, BuildContext& ctx,
                                           Artifact& input, const ComponentFactory& components) {
  const tmpl::PostProcessor& src = *pp.source;
  if (ctx.cancel->cancelled())
    return std::unexpected(MakeError("build cancelled", fmt::format("interrupted before post-processor {}", src.name)));
  ctx.ui->Say(src.name == src.type ? fmt::format("Running post-processor: {}", src.type)
                                   : fmt::format("Running post-processor: {} (type {})", src.name, src.type));
  Result<tmpl::DecodedConfig> config =
      RenderBuildValues(pp.config, catalog::FindSchema(catalog::Kind::kPostProcessor, src.type), ctx.interp);
  if (!config)
    return std::unexpected(
        MakeError(fmt::format("{} ({}): {}", src.label, src.type, config.error().summary), config.error().detail));
  Result<std::unique_ptr<PostProcessor>> made = components.post_processor(src.type, *config);
  if (!made) return std::unexpected(made.error());
  // Its lines read "==> name (type): ...", as Packer's (uncolored).
  ui::Ui pp_ui = ctx.ui->ForBuild(fmt::format("{} ({})", ctx.build_name, src.type), ui::Color::kNone);
  BuildContext pp_ctx = ctx;
  pp_ctx.ui = &pp_ui;
  Result<PostProcessResult> result = (*made)->PostProcess(pp_ctx, input);
  if (!result) return std::unexpected(MakeError("Post-processor failed", result.error().Message()));
  return result;
}

// One build from start to end; never throws, every failure is in the outcome.
Outcome RunBuild(const tmpl::PreparedBuild& b, BuildContext& ctx, const RunOptions& options) {
  Outcome out;
  // Instantiate the builder from its decoded options.
  Result<std::unique_ptr<Builder>> builder = options.components.builder(b.type, b.builder.config);
  if (!builder) {
    out.errors.push_back(builder.error());
    return out;
  }
  // Run it: its steps make the machine, provision it through the hook,
  // capture the artifact and clean up.
  TemplateProvisionHook hook(b, options.components.provisioner, options.retry_backoff);
  Result<std::unique_ptr<Artifact>> artifact = (*builder)->Run(ctx, hook);
  if (!artifact) {
    out.errors.push_back(artifact.error());
    return out;
  }
  // Nothing exported (discard, null builder): nothing to post-process.
  if (!*artifact) return out;
  // The post-processor chains, each from the builder's artifact.
  out.artifacts = RunPostProcessors(b, ctx, std::move(*artifact), options.components, out.errors);
  return out;
}

// As each build ends, as Packer says it (untargeted, so no "==> name:" prefix).
void ReportEnd(ui::Ui& ui, const std::string& name, const Outcome& o) {
  if (o.errors.empty() && o.interrupted)  // an interrupt during its last cleanups
    ui.Error(fmt::format("Build '{}' was interrupted after {} (while cleaning up).", name, HumanDuration(o.elapsed)));
  else if (o.errors.empty())
    ui.Say(fmt::format("Build '{}' finished after {}.", name, HumanDuration(o.elapsed)));
  else
    ui.Error(fmt::format("Build '{}' errored after {}: {}", name, HumanDuration(o.elapsed), ErrorText(o.errors)));
}

// Packer's closing lines and machine-readable records.
void PrintSummary(std::span<const tmpl::PreparedBuild> builds, const std::vector<Outcome>& outcomes, ui::Ui& ui) {
  std::size_t failed = std::ranges::count_if(outcomes, [](const Outcome& o) { return !o.errors.empty(); });
  if (failed > 0) {
    ui.Machine("error-count", {std::to_string(failed)});
    ui.Error("\n==> Some builds didn't complete successfully and had errors:");
    for (std::size_t i = 0; i < builds.size(); ++i) {
      if (outcomes[i].errors.empty()) continue;
      std::string text = ErrorText(outcomes[i].errors);
      ui.ForBuild(builds[i].name, ui::Color::kNone).Machine("error", {text});
      ui.Error(fmt::format("--> {}: {}", builds[i].name, text));
    }
  }
  bool any = std::ranges::any_of(outcomes, [](const Outcome& o) { return o.errors.empty() && !o.artifacts.empty(); });
  if (!any) {
    ui.Say("\n==> Builds finished but no artifacts were created.");
    return;
  }
  ui.Say("\n==> Builds finished. The artifacts of successful builds are:");
  for (std::size_t b = 0; b < builds.size(); ++b) {
    const std::vector<std::unique_ptr<Artifact>>& artifacts = outcomes[b].artifacts;
    if (!outcomes[b].errors.empty() || artifacts.empty()) continue;
    ui::Ui target = ui.ForBuild(builds[b].name, ui::Color::kNone);
    target.Machine("artifact-count", {std::to_string(artifacts.size())});
    for (std::size_t i = 0; i < artifacts.size(); ++i) {
      const Artifact& a = *artifacts[i];
      std::string n = std::to_string(i);
      std::vector<std::string> files = a.files();
      target.Machine("artifact", {n, "builder-id", a.builder_id()});
      target.Machine("artifact", {n, "id", a.id()});
      target.Machine("artifact", {n, "string", a.Describe()});
      target.Machine("artifact", {n, "files-count", std::to_string(files.size())});
      for (std::size_t f = 0; f < files.size(); ++f)
        target.Machine("artifact", {n, "file", std::to_string(f), files[f]});
      target.Machine("artifact", {n, "end"});
      ui.Message(fmt::format("--> {}: {}", builds[b].name, a.Describe()));
    }
  }
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

// After an interrupt: per build, the artifacts it kept and what it made,
// removed and left, so nobody has to guess what a cancelled build cost.
void PrintCancelled(std::span<const tmpl::PreparedBuild> builds, const std::vector<Outcome>& outcomes, ui::Ui& ui) {
  bool left_any = false;
  bool header = false;
  for (std::size_t b = 0; b < builds.size(); ++b) {
    const Outcome& o = outcomes[b];
    std::vector<std::string> made = o.resources ? o.resources->made() : std::vector<std::string>{};
    std::vector<std::string> removed = o.resources ? o.resources->removed() : std::vector<std::string>{};
    std::vector<std::string> left = o.resources ? o.resources->left() : std::vector<std::string>{};
    if (made.empty() && removed.empty() && o.artifacts.empty()) continue;
    if (!std::exchange(header, true)) ui.Say("\n==> What the interrupted builds made and removed:");
    const std::string& name = builds[b].name;
    for (const std::unique_ptr<Artifact>& a : o.artifacts) ui.Message(fmt::format("--> {}: kept: {}", name, a->Describe()));
    if (!made.empty()) ui.Message(fmt::format("--> {}: made: {}", name, JoinList(made)));
    if (!removed.empty()) ui.Message(fmt::format("--> {}: removed: {}", name, JoinList(removed)));
    if (!left.empty()) {
      left_any = true;
      ui.Error(fmt::format("--> {}: left behind (not removed): {}", name, JoinList(left)));
    }
  }
  if (left_any)
    ui.Error("Cancelled builds after being interrupted; some resources were left behind (listed above).");
  else
    ui.Error("Cleanly cancelled builds after being interrupted.");
}

}  // namespace

std::string HumanDuration(std::chrono::milliseconds d) {
  struct Unit {
    std::string_view name;
    long long ms;
  };
  static constexpr Unit kUnits[] = {
      {"day", 86'400'000}, {"hour", 3'600'000}, {"minute", 60'000}, {"second", 1'000}, {"millisecond", 1}};
  std::string text;
  long long left = d.count();
  for (const Unit& u : kUnits) {
    long long n = left / u.ms;
    left %= u.ms;
    if (n == 0) continue;
    text += fmt::format("{}{} {}{}", text.empty() ? "" : " ", n, u.name, n == 1 ? "" : "s");
  }
  return text.empty() ? "0 seconds" : text;
}

std::vector<std::unique_ptr<Artifact>> RunPostProcessors(const tmpl::PreparedBuild& build, BuildContext& ctx,
                                                         std::unique_ptr<Artifact> built,
                                                         const ComponentFactory& components,
                                                         std::vector<Error>& errors) {
  CompleteBuildValues(ctx);
  auto destroy = [&](std::unique_ptr<Artifact> a, std::string_view what) {
    ui::Log("{}: destroying {} artifact {}", ctx.build_name, what, a->id());
    if (Result<void> r = a->Destroy(); !r)
      errors.push_back(
          MakeError(fmt::format("Failed to destroy the {} artifact {}", what, a->id()), r.error().Message()));
  };
  std::vector<std::unique_ptr<Artifact>> results;
  bool keep_built = build.chains.empty();
  for (const std::vector<tmpl::Prepared<tmpl::PostProcessor>>& chain : build.chains) {
    std::unique_ptr<Artifact> current;  // the chain's latest artifact, once past the builder's
    for (std::size_t i = 0; i < chain.size(); ++i) {
      Result<PostProcessResult> step = RunPostProcessor(chain[i], ctx, current ? *current : *built, components);
      if (!step || !step->artifact) {
        if (!step) errors.push_back(step.error());
        current.reset();  // as Packer: neither reported nor destroyed
        break;
      }
      bool keep = chain[i].source->keep_input_artifact.value_or(step->keep_input) || step->force_keep;
      if (i == 0)
        keep_built = keep_built || keep;
      else if (keep)
        results.push_back(std::move(current));
      else
        destroy(std::move(current), "intermediate");
      current = std::move(step->artifact);
    }
    if (current) results.push_back(std::move(current));
  }
  if (keep_built)
    results.insert(results.begin(), std::move(built));
  else
    destroy(std::move(built), "builder's");
  return results;
}

int RunBuilds(std::span<const tmpl::PreparedBuild> builds, const interpolate::Context& base,
              const std::map<std::string, std::string>& user_vars, const RunOptions& options, ui::Ui& ui,
              CancelToken& cancel) {
  Clock::time_point start = Clock::now();
  const std::string run_uuid = RunUuid();
  ui::Log("packer run uuid {}", run_uuid);
  std::vector<Outcome> outcomes(builds.size());

  // Each build in a worker thread, at most `workers` at once, taken in template order.
  std::atomic<std::size_t> next{0};
  auto run_next = [&] {
    for (std::size_t i; (i = next++) < builds.size();) {
      const tmpl::PreparedBuild& b = builds[i];
      Clock::time_point began = Clock::now();
      ui::Ui build_ui = ui.ForBuild(b.name, ui::BuildColor(i));
      BuildContext ctx = MakeContext(b, base, user_vars, options, run_uuid, build_ui, cancel);
      if (cancel.cancelled())
        outcomes[i].errors.push_back(MakeError("build cancelled", "interrupted before it started"));
      else
        outcomes[i] = RunBuild(b, ctx, options);
      outcomes[i].elapsed = Since(began);
      outcomes[i].resources = ctx.resources;
      outcomes[i].interrupted = cancel.cancelled();
      ReportEnd(ui, b.name, outcomes[i]);
    }
  };
  std::size_t limit = options.debug ? 1 : static_cast<std::size_t>(std::max(options.parallel_builds, 0));
  std::size_t workers = limit == 0 ? builds.size() : std::min(limit, builds.size());
  {
    std::vector<std::jthread> threads;
    for (std::size_t w = 0; w < workers; ++w) threads.emplace_back(run_next);
  }  // joined here

  // The summary; after Ctrl-C, what the builds made and removed instead.
  ui.Say(fmt::format("\n==> Wait completed after {}", HumanDuration(Since(start))));
  if (cancel.cancelled()) {
    PrintCancelled(builds, outcomes, ui);
    return 1;
  }
  PrintSummary(builds, outcomes, ui);
  return std::ranges::all_of(outcomes, [](const Outcome& o) { return o.errors.empty(); }) ? 0 : 1;
}

}  // namespace kiln::engine
