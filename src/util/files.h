// Whole-file reads and writes with errors that name the file.
#pragma once

#include <string>

#include "util/error.h"
#include "util/unique_fd.h"

namespace kiln {

Result<std::string> ReadFile(const std::string& path);

// Opens `path` (symlinks followed) for reading only if it is a regular file.
// A FIFO, socket or device is refused with an error naming what it is,
// without blocking: the open is non-blocking (a FIFO would otherwise wait
// for a writer forever, deaf to cancellation), and the descriptor handed
// back is blocking again. The caller owns the descriptor.
Result<UniqueFd> OpenRegularFile(const std::string& path);

// "a FIFO", "a socket", "a character device", ... for the kind of file at
// `mode` (a struct stat st_mode): for errors refusing it.
std::string FileKind(unsigned mode);

}  // namespace kiln
