// A builder is a list of steps (Packer's multistep). Each step may create
// something and undo it in Cleanup; the runner calls Cleanup of every step
// that started, in reverse order, on success, failure and cancel.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/build_context.h"
#include "util/error.h"

namespace kiln::engine {

enum class StepAction { kContinue, kHalt };

// What steps share; builders derive their own state from it.
struct StepState {
  BuildContext* ctx = nullptr;
  std::optional<Error> error;  // set by the step that halted
  // Set by -on-error=abort: cleanups are skipped, leftovers are listed.
  bool skip_cleanup = false;

  StepAction Halt(Error e) {
    error = std::move(e);
    return StepAction::kHalt;
  }
};

template <typename State>
class Step {
 public:
  virtual ~Step() = default;
  virtual std::string_view name() const = 0;  // "StepRunContainer", for logs and -debug
  virtual StepAction Run(State& state) = 0;
  // Undoes what Run created; must be safe to call twice and after a Run that
  // halted half-way. Logs failures and carries on.
  virtual void Cleanup(State& state) { (void)state; }
  // For -on-error=abort: how to remove what this step left ("docker rm -f 3f2a").
  virtual std::optional<std::string> Leftover(const State& state) const {
    (void)state;
    return std::nullopt;
  }
  // For -on-error=abort, instead of Cleanup: lets go of what this step made
  // without removing it, so that no owner it holds removes it on destruction.
  virtual void Abandon(State& state) { (void)state; }
};

template <typename State>
using Steps = std::vector<std::unique_ptr<Step<State>>>;

}  // namespace kiln::engine
