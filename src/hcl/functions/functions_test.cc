#include "hcl/functions/functions.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "hcl/eval.h"
#include "hcl/parser.h"
#include "util/temp_dir.h"

namespace kiln::hcl {
namespace {

Value Call(const std::string& src, const FunctionOptions& opts, Diagnostics& diags) {
  EvalContext ctx;
  ctx.functions = StandardFunctions(opts);
  return ParseExpression(src, "f.hcl", diags)->Evaluate(&ctx, diags);
}

TEST(HclFunctions, EnvOnlyWhenTheHookIsGiven) {
  Diagnostics diags;
  Call("env(\"HOME\")", {}, diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].summary, "Call to unknown function");
  FunctionOptions opts;
  opts.env = [](const std::string& k) -> std::optional<std::string> { return "v-" + k; };
  Diagnostics d2;
  EXPECT_EQ(Call("env(\"X\")", opts, d2).AsString(), "v-X");
}

TEST(HclFunctions, TimestampUsesTheClock) {
  FunctionOptions opts;
  opts.now = [] { return std::chrono::system_clock::from_time_t(0); };
  Diagnostics diags;
  EXPECT_EQ(Call("timestamp()", opts, diags).AsString(), "1970-01-01T00:00:00Z");
  EXPECT_EQ(Call("legacy_isotime(\"20060102\")", opts, diags).AsString(), "19700101");
}

TEST(HclFunctions, TemplatefileCannotRecurse) {
  auto dir = TempDir::Create("hcl-fn");
  ASSERT_TRUE(dir);
  std::ofstream(dir->path() / "t.tpl") << "${templatefile(\"t.tpl\", {})}";
  FunctionOptions opts;
  opts.base_dir = dir->path().string();
  Diagnostics diags;
  Call("templatefile(\"t.tpl\", {})", opts, diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0].detail.find("cannot recursively call templatefile"), std::string::npos);
}

TEST(HclFunctions, FileErrorsNameThePath) {
  FunctionOptions opts;
  opts.base_dir = "/nonexistent-kiln-dir";
  Diagnostics diags;
  Call("file(\"x.txt\")", opts, diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].summary, "Invalid function argument");
  EXPECT_NE(diags[0].detail.find("no file exists at \"x.txt\""), std::string::npos);
  EXPECT_EQ(diags[0].where->start.column, 6);
}

TEST(HclFunctions, VaultUnreachableIsAClearError) {
  setenv("VAULT_ADDR", "http://127.0.0.1:9", 1);  // discard port: nothing listens
  Diagnostics diags;
  Call("vault(\"secret/data/x\", \"k\")", {}, diags);
  unsetenv("VAULT_ADDR");
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0].detail.find("could not reach Vault at http://127.0.0.1:9"), std::string::npos)
      << diags[0].detail;
}

TEST(HclFunctions, EveryPackerFunctionExists) {
  FunctionOptions opts;
  opts.env = [](const std::string&) { return std::optional<std::string>(); };
  auto fns = StandardFunctions(opts);
  for (const char* name :
       {"abs", "abspath", "alltrue", "anytrue", "aws_secretsmanager", "aws_secretsmanager_raw",
        "base64decode", "base64encode", "base64gzip", "base64sha256", "base64sha512", "basename",
        "bcrypt", "can", "ceil", "chomp", "chunklist", "cidrhost", "cidrnetmask", "cidrsubnet",
        "cidrsubnets", "coalesce", "coalescelist", "compact", "concat", "consul_key", "contains",
        "csvdecode", "dirname", "distinct", "element", "endswith", "env", "file", "filebase64",
        "filebase64sha256", "filebase64sha512", "fileexists", "filemd5", "fileset", "filesha1",
        "filesha256", "filesha512", "flatten", "floor", "format", "formatdate", "formatlist",
        "indent", "index", "join", "jsondecode", "jsonencode", "keys", "legacy_isotime",
        "legacy_strftime", "length", "log", "lookup", "lower", "matchkeys", "max", "md5", "merge",
        "min", "one", "parseint", "pathexpand", "pow", "range", "regex", "regex_replace",
        "regexall", "replace", "reverse", "rsadecrypt", "setintersection", "setproduct",
        "setsubtract", "setunion", "sha1", "sha256", "sha512", "signum", "slice", "sort", "split",
        "startswith", "strcontains", "strrev", "substr", "sum", "templatefile",
        "textdecodebase64", "textencodebase64", "timeadd", "timestamp", "title", "tobool",
        "tolist", "tomap", "tonumber", "toset", "tostring", "transpose", "trim", "trimprefix",
        "trimspace", "trimsuffix", "try", "upper", "urlencode", "uuidv4", "uuidv5", "values",
        "vault", "yamldecode", "yamlencode", "zipmap"})
    EXPECT_TRUE(fns.contains(name)) << name;
}

}  // namespace
}  // namespace kiln::hcl
