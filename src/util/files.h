// Whole-file reads and writes with errors that name the file.
#pragma once

#include <string>

#include "util/error.h"

namespace kiln {

Result<std::string> ReadFile(const std::string& path);

}  // namespace kiln
