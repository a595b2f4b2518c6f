#include <fmt/format.h>

#include "cli/command.h"
#include "cli/template_args.h"
#include "engine/build_runner.h"
#include "engine/signals.h"

namespace kiln::cli {

namespace {
constexpr std::string_view kUsage =
    "Usage: kiln build [options] TEMPLATE\n\n"
    "  Runs all the builds in the template: starts each builder's machine,\n"
    "  provisions it, captures the image and runs the post-processors.\n";

constexpr std::string_view kOnErrorModes[] = {"cleanup", "abort", "ask", "run-cleanup-provisioner"};

// The -on-error value (already checked against kOnErrorModes) as the engine's enum.
engine::OnError OnErrorMode(std::string_view mode) {
  if (mode == "abort") return engine::OnError::kAbort;
  if (mode == "ask") return engine::OnError::kAsk;
  if (mode == "run-cleanup-provisioner") return engine::OnError::kRunCleanupProvisioner;
  return engine::OnError::kCleanup;
}
}  // namespace

int RunBuild(std::span<const std::string> args, const GlobalOptions& global) {
  bool machine = global.machine_readable, color = true, debug = false, force = false, timestamps = false;
  int parallel = 0;
  std::string on_error = "cleanup";
  TemplateArgs targs;
  FlagSet flags("build");
  flags.Bool("color", &color, "If true, color the output of each build (default true).");
  flags.Bool("debug", &debug, "Debug mode: pause before each step until Enter is pressed.");
  AddSelectionFlags(flags, targs);
  flags.Bool("force", &force, "Force a build to continue if artifacts exist, deleting them.");
  flags.Bool("machine-readable", &machine, "Produce machine-readable output.");
  flags.Func("on-error", [&](std::string_view v) -> std::optional<std::string> {
    for (std::string_view mode : kOnErrorModes)
      if (v == mode) {
        on_error = v;
        return std::nullopt;
      }
    return "must be one of cleanup, abort, ask, run-cleanup-provisioner";
  }, "If the build fails: cleanup (default), abort, ask, or run-cleanup-provisioner.", "cleanup");
  flags.Int("parallel-builds", &parallel, "Number of builds to run in parallel; 0 means no limit (default 0).");
  flags.Bool("timestamp-ui", &timestamps, "Prefix each output line with an RFC 3339 timestamp.");
  AddVariableFlags(flags, targs);
  Result<std::vector<std::string>> rest = flags.Parse(args);
  ui::Ui ui = MakeUi(machine, color, timestamps);
  if (!rest) return UsageError(ui, rest.error(), kUsage, flags);
  if (rest->size() != 1)
    return UsageError(ui, MakeError("build expects exactly one TEMPLATE argument"), kUsage, flags);
  if (parallel < 0)
    return UsageError(ui, MakeError("-parallel-builds must be 0 (no limit) or more"), kUsage, flags);

  LoadedTemplate loaded = LoadTemplate(rest->front(), targs, LoadStage::kPrepare, ui.output());
  if (ReportDiagnostics(loaded.diags, ui)) return 1;
  if (loaded.builds.empty()) {
    ui.Error("No builds to run: -only/-except left none of the template's builds.");
    return 1;
  }

  // Run them: Ctrl-C cancels (cleanups still run) and the run returns 1.
  CancelToken cancel;
  engine::InterruptHandler interrupts(ui, cancel);
  engine::RunOptions options{.parallel_builds = parallel, .on_error = OnErrorMode(on_error), .debug = debug,
                             .force = force};
  return engine::RunBuilds(loaded.builds, loaded.context, loaded.vars.values, options, ui, cancel);
}

}  // namespace kiln::cli
