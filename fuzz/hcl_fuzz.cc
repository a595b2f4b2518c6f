// Fuzz target for the HCL lexer, parser and evaluator.
//
// LLVMFuzzerTestOneInput parses the input as a native-syntax file (and, when
// it starts with '{', as the JSON variant), then evaluates every attribute
// with the standard functions. Functions that reach outside the process
// (files, network, clock, env) or are slow on purpose (bcrypt) are left out,
// so a run is deterministic. Errors are expected; crashes, hangs and
// sanitizer reports are the findings.
//
// Build and run: see src/hcl/README.md (libFuzzer with clang 16:
// fuzz/build-libfuzzer.sh; without clang, standalone_main.cc, a small
// mutation fuzzer built with g++ and ASan/UBSan: fuzz/build.sh).
#include <cstddef>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "clients/aws/secret_lookup.h"
#include "hcl/dump.h"
#include "hcl/functions/functions.h"
#include "hcl/json_body.h"
#include "hcl/value_json.h"

namespace kiln::clients::aws {
// aws_secretsmanager is left out below; the real lookup (AWS environment,
// network) is not linked in.
Result<std::string> ReadTemplateSecret(std::string_view name, std::optional<std::string_view>) {
  return std::unexpected(MakeError(fmt::format("secret {}: no network in the fuzzer", name)));
}
}  // namespace kiln::clients::aws

namespace {

const std::map<std::string, kiln::hcl::Function>& Functions() {
  static const auto* fns = [] {
    auto* m = new std::map<std::string, kiln::hcl::Function>(kiln::hcl::StandardFunctions());
    for (const char* name :
         {"file", "filebase64", "fileexists", "fileset", "filemd5", "filesha1", "filesha256",
          "filesha512", "filebase64sha256", "filebase64sha512", "templatefile", "abspath",
          "pathexpand", "vault", "consul_key", "aws_secretsmanager", "aws_secretsmanager_raw",
          "bcrypt", "timestamp", "legacy_isotime", "legacy_strftime", "uuid", "uuidv4"})
      m->erase(name);
    return m;
  }();
  return *fns;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16384) return 0;
  std::string src(reinterpret_cast<const char*>(data), size);
  kiln::hcl::Diagnostics diags;
  kiln::hcl::File file = src.starts_with("{") ? kiln::hcl::ParseJSON(src, "fuzz.json", diags)
                                               : kiln::hcl::ParseConfig(src, "fuzz.hcl", diags);
  kiln::hcl::EvalContext ctx;
  ctx.functions = Functions();
  ctx.variables["var"] = kiln::hcl::Value::Object(
      {{"s", kiln::hcl::Value::String("str")},
       {"n", kiln::hcl::Value::Number(3)},
       {"l", kiln::hcl::Value::Tuple({kiln::hcl::Value::Number(1), kiln::hcl::Value::String("b")})},
       {"secret", kiln::hcl::Value::String("pw").Marked()},
       {"u", kiln::hcl::Value::Unknown()}});
  kiln::hcl::Value v = kiln::hcl::EvaluateFileForDump(file, ctx, diags);
  // Exercise the printers too.
  (void)kiln::hcl::ValueToJSON(v);
  (void)v.DebugString();
  for (const auto& d : diags) (void)d.Message();
  // Each top-level expression also goes through the expression parser.
  if (file.native)
    for (const auto& a : file.native->attributes) (void)a.expr->Variables();
  return 0;
}
