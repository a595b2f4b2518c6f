// The JSON variant of HCL (.pkr.json, .pkrvars.json): the same Body and
// Expression interfaces as the native syntax, decoded by schema as HCL's
// JSON spec describes: an object property is an attribute or a block by what
// the schema says; block labels are nested object keys; a block can also be
// an array of objects; strings are templates ("${var.x}"); "//" properties
// are comments. Positions come from kiln's JSON reader (json/value.h).
#pragma once

#include <string>
#include <string_view>

#include "hcl/ast.h"
#include "hcl/parser.h"
#include "json/value.h"

namespace kiln::hcl {

// Parses JSON text into a File (File::native is null, tokens empty).
File ParseJSON(std::string_view src, const std::string& filename, Diagnostics& diags);

// A Body over an already-parsed JSON object value.
BodyPtr JSONBody(std::shared_ptr<const json::Value> root, const json::Value& object);

// An Expression over a JSON value: strings are templates when evaluated with
// a context, literal strings without one (as in HCL).
ExprPtr JSONExpression(std::shared_ptr<const json::Value> root, const json::Value& value);

// Static analysis of JSON expressions (behind ExprList, ExprMap,
// AbsTraversalForExpr, ExprAsKeyword in ast.h).
bool JSONExprList(const Expression& expr, std::vector<ExprPtr>* out);
bool JSONExprMap(const Expression& expr, std::vector<KeyValueExpr>* out);
std::optional<Traversal> JSONAbsTraversal(const Expression& expr, Diagnostics& diags);
std::string JSONAsKeyword(const Expression& expr);

}  // namespace kiln::hcl
