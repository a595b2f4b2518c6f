// The syntax tree shared by the native syntax and the JSON variant.
//
// Two layers, as in HashiCorp's HCL:
//  * Body / Expression: abstract interfaces. A Body is decoded against a
//    schema (Content / PartialContent / JustAttributes), because the JSON
//    variant cannot tell an attribute from a block without one; an Expression
//    evaluates in an EvalContext and reports the variables it references.
//    Both native and JSON files give these, so Packer's loader is written
//    once against them.
//  * The native nodes (NativeBody, NativeAttribute, NativeBlock and the
//    *Expr classes below): the concrete tree of a .hcl file, with every range,
//    for tools that look at syntax (fmt, hcl2_upgrade, static analysis).
//
// Nodes are immutable after parsing and shared (shared_ptr) between the tree
// and the decoded contents.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hcl/diagnostic.h"
#include "hcl/lexer.h"
#include "hcl/value.h"

namespace kiln::hcl {

class EvalContext;
class Expression;
class AnonSymbolExpr;
class Body;
using ExprPtr = std::shared_ptr<const Expression>;
using BodyPtr = std::shared_ptr<const Body>;

// ---------------------------------------------------------------------------
// Traversals: var.foo.bar[0] is a root "var", then attr "foo", attr "bar", index 0.

struct TraverseStep {
  enum class Kind { kRoot, kAttr, kIndex };
  Kind kind = Kind::kRoot;
  std::string name;  // root or attribute name
  Value key;         // index key (number or string)
  Range range;
};

using Traversal = std::vector<TraverseStep>;

// The root name ("var" in var.foo), or "" for a relative traversal.
std::string TraversalRootName(const Traversal& t);
// Range from the first to the last step.
Range TraversalRange(const Traversal& t);
// "var.foo[0]" text form.
std::string TraversalString(const Traversal& t);
// Applies the (non-root) steps of `steps` to `v`, as HCL does for var.a.b[0]:
// attribute access on objects and maps, index on lists, tuples, maps; the
// legacy .0 form indexes too. Errors (Unsupported attribute, Invalid index...)
// are appended to diags with the step's range; the result is then unknown.
Value ApplyTraversal(const Value& v, const Traversal& steps, std::size_t first_step,
                     Diagnostics& diags);
// One attribute access / one index operation with HCL's errors at `range`.
Value GetAttrValue(const Value& v, const std::string& name, const Range& range, Diagnostics& diags);
Value IndexValue(const Value& collection, const Value& key, const Range& range, Diagnostics& diags);

// ---------------------------------------------------------------------------
// Expressions

enum class ExprKind {
  kLiteral,
  kTemplate,
  kTemplateWrap,
  kTemplateJoin,
  kScopeTraversal,
  kRelativeTraversal,
  kFunctionCall,
  kConditional,
  kIndex,
  kTuple,
  kObject,
  kObjectKey,
  kFor,
  kSplat,
  kAnonSymbol,
  kParentheses,
  kBinaryOp,
  kUnaryOp,
  kJson,   // an expression of the JSON variant (json_body.h)
  kBound,  // an expression with extra variables bound (dynblock.h); Inner() is the expression
};

class Expression {
 public:
  virtual ~Expression() = default;
  virtual ExprKind kind() const = 0;

  // Evaluates in `ctx` (may be null: no variables, no functions). Errors go
  // to `diags`; on error the result is an unknown value (of dynamic type
  // unless more is known), so callers can keep going.
  virtual Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const = 0;

  // Every absolute traversal (variable reference) in the expression, e.g.
  // var.a, local.b, source.name. Variables bound by for-expressions and
  // splats are excluded.
  std::vector<Traversal> Variables() const;
  virtual void CollectVariables(std::vector<Traversal>& out) const = 0;

  // For wrapper expressions (kBound): the wrapped expression; null otherwise.
  virtual ExprPtr Inner() const { return nullptr; }

  // The whole expression / a small range to point at when it is wrong.
  const Range& range() const { return range_; }
  virtual Range StartRange() const { return range_; }

  Range range_;
};

// Static analysis helpers (HCL's hcl.ExprList / ExprMap / AbsTraversalForExpr /
// ExprAsKeyword). They work for native and JSON expressions.
// The elements of a tuple constructor `[a, b]` (error if not one).
std::vector<ExprPtr> ExprList(const ExprPtr& expr, Diagnostics& diags);
struct KeyValueExpr {
  ExprPtr key;
  ExprPtr value;
};
// The items of an object constructor `{ a = 1 }` (error if not one).
std::vector<KeyValueExpr> ExprMap(const ExprPtr& expr, Diagnostics& diags);
// `source.docker.x` written as a bare traversal (or, in JSON, a string).
std::optional<Traversal> AbsTraversalForExpr(const ExprPtr& expr, Diagnostics& diags);
// The single identifier `foo` (or, in JSON, the string "foo"); "" if not one.
std::string ExprAsKeyword(const ExprPtr& expr);

// ---------------------------------------------------------------------------
// Bodies

struct AttributeSchema {
  std::string name;
  bool required = false;
};

struct BlockHeaderSchema {
  std::string type;
  std::vector<std::string> label_names;  // e.g. {"type", "name"} for source "docker" "x"
};

struct BodySchema {
  std::vector<AttributeSchema> attributes;
  std::vector<BlockHeaderSchema> blocks;
};

struct Attribute {
  std::string name;
  ExprPtr expr;
  Range range;       // the whole `name = expr`
  Range name_range;  // just the name
};

using Attributes = std::map<std::string, Attribute>;

struct Block {
  std::string type;
  std::vector<std::string> labels;
  BodyPtr body;
  Range def_range;   // type and labels (the block header), for messages
  Range type_range;
  std::vector<Range> label_ranges;
};

struct BodyContent {
  Attributes attributes;
  std::vector<Block> blocks;  // in source order
  Range missing_item_range;   // where to point for "missing required argument"
};

class Body {
 public:
  virtual ~Body() = default;
  // Decodes against `schema`: unknown attributes/blocks, missing required
  // attributes, wrong label counts and duplicates are diagnosed.
  virtual BodyContent Content(const BodySchema& schema, Diagnostics& diags) const = 0;
  // Like Content, but what the schema does not name is left in `*remain`
  // (which may be null if not wanted) instead of being an error.
  virtual BodyContent PartialContent(const BodySchema& schema, BodyPtr* remain,
                                     Diagnostics& diags) const = 0;
  // The body as attributes only (blocks are an error): for locals, variable
  // files, and maps written as blocks.
  virtual Attributes JustAttributes(Diagnostics& diags) const = 0;
  // Where to point when something required is missing (the closing brace).
  virtual Range MissingItemRange() const = 0;
};

// A body that is the concatenation of several (a directory of files):
// Content merges, duplicate attributes across parts are diagnosed.
BodyPtr MergeBodies(std::vector<BodyPtr> bodies);

// ---------------------------------------------------------------------------
// Native syntax tree

class NativeBody;

struct NativeAttribute {
  std::string name;
  ExprPtr expr;
  Range range;
  Range name_range;
  Range equals_range;
};

struct NativeBlock {
  std::string type;
  std::vector<std::string> labels;
  std::shared_ptr<const NativeBody> body;
  Range range;  // whole block
  Range type_range;
  std::vector<Range> label_ranges;
  Range open_brace_range;
  Range close_brace_range;
};

class NativeBody : public Body {
 public:
  std::vector<NativeAttribute> attributes;  // source order
  std::vector<NativeBlock> blocks;          // source order
  Range range;
  Range end_range;  // the closing brace, or end of file for a file body
  // Names consumed by an earlier PartialContent (the "remain" body hides them).
  std::set<std::string> hidden_attributes;
  std::set<std::string> hidden_blocks;

  BodyContent Content(const BodySchema& schema, Diagnostics& diags) const override;
  BodyContent PartialContent(const BodySchema& schema, BodyPtr* remain,
                             Diagnostics& diags) const override;
  Attributes JustAttributes(Diagnostics& diags) const override;
  Range MissingItemRange() const override;

  const NativeAttribute* FindAttribute(const std::string& name) const;
};

class LiteralExpr : public Expression {
 public:
  Value value;
  ExprKind kind() const override { return ExprKind::kLiteral; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>&) const override {}
};

// "a ${b} c": parts are literals, interpolated expressions, and
// directives (%{if} as ConditionalExpr, %{for} as TemplateJoinExpr).
class TemplateExpr : public Expression {
 public:
  std::vector<ExprPtr> parts;
  ExprKind kind() const override { return ExprKind::kTemplate; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>& out) const override;
};

// "${x}" alone: the value of x itself, not converted to a string.
class TemplateWrapExpr : public Expression {
 public:
  ExprPtr wrapped;
  ExprKind kind() const override { return ExprKind::kTemplateWrap; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>& out) const override;
};

// %{for} in a template: joins the strings produced by a tuple for-expression.
class TemplateJoinExpr : public Expression {
 public:
  ExprPtr tuple;
  ExprKind kind() const override { return ExprKind::kTemplateJoin; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>& out) const override;
};

class ScopeTraversalExpr : public Expression {
 public:
  Traversal traversal;
  ExprKind kind() const override { return ExprKind::kScopeTraversal; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>& out) const override;
};

// expr.attr / expr[0] chains after a non-variable source, e.g. f(x).a
class RelativeTraversalExpr : public Expression {
 public:
  ExprPtr source;
  Traversal traversal;  // no root step
  ExprKind kind() const override { return ExprKind::kRelativeTraversal; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>& out) const override;
};

class FunctionCallExpr : public Expression {
 public:
  std::string name;
  Range name_range;
  std::vector<ExprPtr> args;
  bool expand_final = false;  // f(a, list...)
  Range open_paren_range;
  Range close_paren_range;
  ExprKind kind() const override { return ExprKind::kFunctionCall; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>& out) const override;
  Range StartRange() const override { return RangeBetween(name_range, open_paren_range); }
};

class ConditionalExpr : public Expression {
 public:
  ExprPtr condition, true_result, false_result;
  ExprKind kind() const override { return ExprKind::kConditional; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>& out) const override;
};

class IndexExpr : public Expression {
 public:
  ExprPtr collection, key;
  Range bracket_range;
  ExprKind kind() const override { return ExprKind::kIndex; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>& out) const override;
};

class TupleConsExpr : public Expression {
 public:
  std::vector<ExprPtr> exprs;
  Range open_range;
  ExprKind kind() const override { return ExprKind::kTuple; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>& out) const override;
};

class ObjectConsExpr : public Expression {
 public:
  struct Item {
    ExprPtr key;  // an ObjectConsKeyExpr
    ExprPtr value;
  };
  std::vector<Item> items;
  Range open_range;
  ExprKind kind() const override { return ExprKind::kObject; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>& out) const override;
};

// An object key: a bare identifier `a = 1` means the string "a", not the
// variable a (unless written in parentheses, `(a) = 1`).
class ObjectConsKeyExpr : public Expression {
 public:
  ExprPtr wrapped;
  bool force_non_literal = false;
  ExprKind kind() const override { return ExprKind::kObjectKey; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>& out) const override;
  // The bare identifier, if the key is one.
  std::optional<std::string> AsKeyword() const;
};

// [for k, v in coll : expr if cond] and {for k, v in coll : key => value... if cond}
class ForExpr : public Expression {
 public:
  std::string key_var;  // "" if only one variable
  std::string val_var;
  ExprPtr collection;
  ExprPtr key_expr;  // null for a tuple for-expression
  ExprPtr val_expr;
  ExprPtr cond_expr;  // may be null
  bool group = false;  // `...` after the value
  Range open_range, close_range;
  ExprKind kind() const override { return ExprKind::kFor; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>& out) const override;
};

// source[*].each  or  source.*.each (legacy attribute-only splat)
class SplatExpr : public Expression {
 public:
  ExprPtr source;
  ExprPtr each;  // evaluated per element with the AnonSymbolExpr `item` bound
  std::shared_ptr<const AnonSymbolExpr> item;
  Range marker_range;
  ExprKind kind() const override { return ExprKind::kSplat; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>& out) const override;
};

// The current element inside a splat's `each`.
class AnonSymbolExpr : public Expression {
 public:
  ExprKind kind() const override { return ExprKind::kAnonSymbol; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>&) const override {}
};

class ParenthesesExpr : public Expression {
 public:
  ExprPtr source;
  ExprKind kind() const override { return ExprKind::kParentheses; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>& out) const override;
};

enum class BinaryOp {
  kOr, kAnd,
  kEqual, kNotEqual,
  kGreaterThan, kGreaterThanOrEqual, kLessThan, kLessThanOrEqual,
  kAdd, kSubtract,
  kMultiply, kDivide, kModulo,
};
enum class UnaryOp { kNegate, kNot };

std::string_view BinaryOpSymbol(BinaryOp op);

class BinaryOpExpr : public Expression {
 public:
  BinaryOp op;
  ExprPtr lhs, rhs;
  ExprKind kind() const override { return ExprKind::kBinaryOp; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>& out) const override;
};

class UnaryOpExpr : public Expression {
 public:
  UnaryOp op;
  ExprPtr val;
  Range symbol_range;
  ExprKind kind() const override { return ExprKind::kUnaryOp; }
  Value Evaluate(const EvalContext* ctx, Diagnostics& diags) const override;
  void CollectVariables(std::vector<Traversal>& out) const override;
};

}  // namespace kiln::hcl
