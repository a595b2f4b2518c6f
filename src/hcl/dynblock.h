// `dynamic` blocks (HCL's dynblock extension), independent of any schema:
//
//   dynamic "provisioner" {
//     for_each = var.scripts          # a collection
//     iterator = s                    # optional, default: the block type
//     labels   = ["shell"]            # optional, the generated blocks' labels
//     content {                       # the generated block's body
//       script = s.value              # s.key / s.value for each element
//     }
//   }
//
// ExpandDynamicBlocks wraps a body so that, when it is decoded with a schema
// naming block type T, each `dynamic "T"` block is replaced by one T block per
// element of for_each (in order, after the literal T blocks' positions are kept
// relative to each other). Expressions inside generated blocks see the
// iterator variable in addition to the caller's context. Nested bodies are
// wrapped too, so dynamic blocks may nest.
#pragma once

#include "hcl/ast.h"
#include "hcl/eval.h"

namespace kiln::hcl {

// `ctx` is used to evaluate for_each and labels, and must outlive the returned
// body's decoding calls (the generated bodies' own expressions are evaluated
// later, with the caller's context plus the iterator).
BodyPtr ExpandDynamicBlocks(BodyPtr body, const EvalContext* ctx);

}  // namespace kiln::hcl
