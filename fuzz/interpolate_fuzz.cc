// Fuzz target for the legacy {{ }} engine: lexer, parser, Check and Render.
//
// LLVMFuzzerTestOneInput takes the input as one template string, checks it
// (what `validate` does), then renders it in the contexts Packer's loader
// uses: a provisioner with build values and data fields, a variable default
// (env, lazily resolved user variables), a builder's own options (build is
// an error, clean_resource_name allowed) and before the build ran (actions
// deferred, then rendered again once the values exist, as kiln does).
// Everything stays inside the process: the clock, uuid, pwd and environment
// are fixed, and Secrets Manager is a stub that fails. Errors are expected;
// crashes, hangs, sanitizer reports and outputs beyond kMaxStringBytes are
// the findings.
//
// Build and run: fuzz/README.md (fuzz/build-libfuzzer.sh).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "clients/aws/secret_lookup.h"
#include "interpolate/engine.h"
#include "interpolate/parser.h"
#include "interpolate/value.h"

namespace kiln::clients::aws {
// The real lookup reads the AWS environment and the network.
Result<std::string> ReadTemplateSecret(std::string_view name, std::optional<std::string_view>) {
  return std::unexpected(MakeError(fmt::format("secret {}: no network in the fuzzer", name)));
}
}  // namespace kiln::clients::aws

namespace {

using kiln::interpolate::Context;

Context Base() {
  Context ctx;
  ctx.user_vars = {{"s", "str"},   {"n", "3"},       {"csv", "a,b,c"}, {"empty", ""},
                   {"tpl", "{{x"}, {"sp", " a b "}, {"fmt", "%5d|%s"}};
  ctx.getenv = [](const std::string& k) -> std::optional<std::string> {
    if (k == "HOME") return "/home/fuzz";
    if (k == "PATH") return "/bin";
    return std::nullopt;
  };
  ctx.build_name = "web";
  ctx.build_type = "docker";
  ctx.template_dir = "/tpl";
  ctx.pwd = "/work";
  ctx.packer_version = "1.6.6";
  ctx.start_time = std::chrono::system_clock::time_point(std::chrono::seconds(1508292390) +
                                                         std::chrono::nanoseconds(123456789));
  ctx.uuid = [] { return std::string("8f3c1b2a-0000-4000-8000-000000000001"); };
  ctx.build_values = std::map<std::string, std::string>{
      {"ID", "i-123"}, {"Host", "10.0.0.1"}, {"Port", "22"}, {"User", "root"}};
  ctx.data = std::map<std::string, std::string>{{"Path", "/tmp/script.sh"}, {"Vars", "A=1"}};
  return ctx;
}

void Consume(const kiln::Result<std::string>& r) {
  if (r) {
    if (r->size() > kiln::interpolate::kMaxStringBytes) std::abort();  // the limit leaked
  } else {
    (void)r.error().Message();
    if (!r.error().where) std::abort();  // every engine error has a position
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16384) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  static const Context base = Base();

  if (std::optional<kiln::Error> e = kiln::interpolate::Check(text)) (void)e->Message();

  // A provisioner: everything known.
  Consume(kiln::interpolate::Render(text, base));

  // A variable default: env allowed, other variables resolved lazily.
  Context vars = base;
  vars.env_allowed = true;
  vars.user_lookup = [](const std::string& name) -> kiln::Result<std::optional<std::string>> {
    if (name == "cycle") return std::unexpected(kiln::MakeError("variable cycle"));
    if (name == "s" || name == "n") return std::optional<std::string>(name == "s" ? "str" : "3");
    return std::optional<std::string>();
  };
  Consume(kiln::interpolate::Render(text, vars));

  // A builder's own options.
  Context builder = base;
  builder.build_values.reset();
  builder.build_allowed = false;
  builder.clean_resource_name_allowed = true;
  Consume(kiln::interpolate::Render(text, builder));

  // Before the build: build and data actions stay, then render for real.
  Context early = base;
  early.build_values.reset();
  early.data.reset();
  early.build_keys = {"ID", "Host", "Port", "User"};
  kiln::Result<std::string> first = kiln::interpolate::Render(text, early);
  Consume(first);
  if (first && *first != text && first->size() <= 65536)
    Consume(kiln::interpolate::Render(*first, base));
  return 0;
}
