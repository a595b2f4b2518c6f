// Evaluates a whole file into one value, for fixtures, fuzzing and
// debugging: each attribute in source order (earlier attributes are
// variables for later ones), each block as an object under the key
// "type label1 label2" (a repeated key gets " #2", " #3"...). JSON files are
// read as attributes only.
#pragma once

#include "hcl/eval.h"
#include "hcl/parser.h"

namespace kiln::hcl {

Value EvaluateFileForDump(const File& file, EvalContext& ctx, Diagnostics& diags);

}  // namespace kiln::hcl
