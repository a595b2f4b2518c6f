// Asking the user a question mid-build (-debug pauses, -on-error=ask) and
// reading the answer line. Parallel builds take turns: one question at a time
// across the process.
#pragma once

#include <functional>
#include <string>

#include "util/cancel.h"

namespace kiln {

// Holds the process-wide prompt lock while `show` prints the question and one
// line is read from `fd` (stdin unless a test passes a pipe). Returns the line
// without its newline; "" when input is at its end or closed, or when
// `cancel` (optional) trips while waiting, so a Ctrl-C never hangs on a prompt.
std::string AskLine(const std::function<void()>& show, const CancelToken* cancel = nullptr, int fd = 0);

}  // namespace kiln
