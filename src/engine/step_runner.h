// Runs a builder's steps in order and their cleanups in reverse, applying
// -debug (pause before each step) and -on-error (cleanup, abort, ask).
#pragma once

#include <fmt/format.h>

#include <ranges>

#include "engine/step.h"
#include "ui/output.h"

namespace kiln::engine {

// Returns the error of the step that halted, or nullopt when all ran.
template <typename State>
std::optional<Error> RunSteps(const Steps<State>& steps, State& state) {
  BuildContext& ctx = *state.ctx;
  std::vector<Step<State>*> started;
  for (const std::unique_ptr<Step<State>>& step : steps) {
    if (ctx.cancel->cancelled()) {
      state.error = MakeError("build cancelled", "interrupted before " + std::string(step->name()));
      break;
    }
    if (ctx.debug && ctx.prompt)
      ctx.prompt(fmt::format("Pausing before the next step ({}). Press enter to continue.", step->name()));
    started.push_back(step.get());  // before Run: a half-finished step still cleans up
    ui::Log("{}: running {}", ctx.build_name, step->name());
    StepAction action = step->Run(state);
    // -on-error=ask: retry the failed step as often as the user wants.
    while (action == StepAction::kHalt && ctx.on_error == OnError::kAsk && ctx.prompt &&
           !ctx.cancel->cancelled()) {
      std::string answer = ctx.prompt(fmt::format(
          "Step {} failed: {}\n[c] clean up and exit, [a] abort without cleanup, or [r] retry the step?",
          step->name(), state.error ? state.error->Message() : "unknown error"));
      if (answer.starts_with("r")) {
        state.error.reset();
        action = step->Run(state);
      } else {
        if (answer.starts_with("a")) state.skip_cleanup = true;
        break;
      }
    }
    if (action == StepAction::kHalt) {
      if (!state.error) state.error = MakeError(fmt::format("{} halted", step->name()));
      if (ctx.on_error == OnError::kAbort) state.skip_cleanup = true;
      break;
    }
  }
  if (state.skip_cleanup && state.error) {
    ctx.ui->Error("Build failed; -on-error=abort leaves these in place:");
    for (Step<State>* step : std::views::reverse(started)) {
      if (auto leftover = step->Leftover(state)) ctx.ui->Error("  " + *leftover);
      step->Abandon(state);
    }
    return state.error;
  }
  for (Step<State>* step : std::views::reverse(started)) {
    ui::Log("{}: cleaning up {}", ctx.build_name, step->name());
    step->Cleanup(state);
  }
  return state.error;
}

}  // namespace kiln::engine
