// Parses a template into a tree of text and actions (Go text/template's
// parse package, restricted to what Packer templates use: no variables,
// no range/define/template).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace kiln::interpolate {

struct Pipeline;

// One argument, or the head of a command.
struct Operand {
  enum class Kind {
    kFunction,
    kField,
    kDot,
    kString,
    kNumber,
    kBool,
    kNil,
    kPipeline
  };
  Kind kind;
  int pos = 0, end = 0;  // source range, for errors
  std::string text;      // function name, decoded string, or field path "A.B"
  int64_t int_value = 0;
  double float_value = 0;
  bool is_int = false;    // numbers: representable as an integer
  bool is_float = false;  // numbers: a float literal ("1.5", "1e3")
  bool bool_value = false;
  std::shared_ptr<Pipeline> pipeline;  // kPipeline: "( ... )"
};

// `fn arg arg`; args[0] is the head.
struct Command {
  std::vector<Operand> args;
};

// `cmd | cmd | cmd`: each result becomes the last argument of the next.
struct Pipeline {
  int pos = 0;
  std::vector<Command> commands;
};

struct Node {
  enum class Kind { kText, kComment, kAction, kIf, kWith };
  Kind kind;
  int begin = 0, end = 0;  // source range: "{{if ...}}...{{end}}" for blocks
  // kText: the raw text; trims apply unless the neighbouring action is
  // deferred, which is only known when rendering.
  std::string text;
  bool trim_left = false, trim_right = false;
  Pipeline pipeline;                  // kAction, kIf, kWith
  std::vector<Node> body, else_body;  // kIf, kWith; "else if" nests an kIf
};

using NodeList = std::vector<Node>;

// How deeply "( )" and {{if}}/{{with}} blocks may nest, together: the
// parser, the evaluator and the checks recurse once per level, so deeper
// input would exhaust the stack (Go grows its stacks; kiln reports an error,
// as its HCL parser does at the same depth).
inline constexpr int kMaxNesting = 200;

// Lexes and parses; every function named must exist (Go checks this at parse
// time, even in branches that never run). Nesting beyond kMaxNesting is an
// error at the "(" or "{{" that goes too deep.
Result<NodeList> Parse(std::string_view text);

}  // namespace kiln::interpolate
