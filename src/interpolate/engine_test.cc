#include "interpolate/engine.h"

#include <gtest/gtest.h>

#include <regex>

#include "interpolate/functions.h"

namespace kiln::interpolate {
namespace {

using namespace std::chrono;

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() {
    ctx_.user_vars = {{"foo", "Hello World"}, {"empty", ""}, {"csv", "a,b,c"}};
    ctx_.build_name = "web";
    ctx_.build_type = "docker";
    ctx_.template_dir = "/tpl";
    ctx_.pwd = "/work";
    ctx_.packer_version = "1.6.6";
    // 2017-10-18T02:06:30.123456789Z, the date in Packer's docs examples.
    ctx_.start_time =
        system_clock::time_point(seconds(1508292390) + nanoseconds(123456789));
    ctx_.uuid = [] {
      return std::string("8f3c1b2a-0000-4000-8000-000000000001");
    };
    ctx_.build_values = std::map<std::string, std::string>{{"ID", "i-123"}};
    ctx_.data = std::map<std::string, std::string>{{"Path", "/tmp/script.sh"},
                                                   {"Vars", "A=1"}};
  }

  std::string Ok(std::string_view text) {
    auto r = Render(text, ctx_);
    EXPECT_TRUE(r) << text << " => " << r.error().Message();
    return r ? *r : "<error>";
  }
  // The error as printed: ":line:col: summary[: detail]" (no file name here).
  std::string Fails(std::string_view text) {
    auto r = Render(text, ctx_);
    EXPECT_FALSE(r) << text << " => " << *r;
    return r ? "<no error>" : r.error().Message();
  }

  Context ctx_;
};

TEST_F(EngineTest, TextWithoutActionsIsUnchanged) {
  EXPECT_FALSE(HasActions("plain { } }} text"));
  EXPECT_TRUE(HasActions("a {{ b"));
  EXPECT_EQ(Ok("plain { } }} text"), "plain { } }} text");
  EXPECT_EQ(Ok(""), "");
}

TEST_F(EngineTest, UserVariables) {
  EXPECT_EQ(Ok("{{user `foo`}}!"), "Hello World!");
  EXPECT_EQ(Ok("[{{user `nope`}}]"), "[]");  // packer 1.6.6: unknown is empty
  ctx_.env_allowed = true;                   // ... but not in variable defaults
  EXPECT_EQ(Fails("{{user `nope`}}"),
            ":1:3: error calling user: variable not set: nope (variables used "
            "in variable defaults must be defined)");
}

TEST_F(EngineTest, EnvOnlyInVariableDefaults) {
  EXPECT_EQ(Fails("x {{env `HOME`}}"),
            ":1:5: error calling env: env is only allowed in variable defaults; declare a "
            "variable with {{env}} as its default and use {{user}} here");
  ctx_.env_allowed = true;
  ctx_.getenv = [](const std::string& k) -> std::optional<std::string> {
    if (k == "HOME") return "/home/me";
    return std::nullopt;
  };
  EXPECT_EQ(Ok("{{env `HOME`}}|{{env `UNSET`}}"), "/home/me|");
}

TEST_F(EngineTest, TimeFunctionsUseTheStartTime) {
  EXPECT_EQ(Ok("{{timestamp}}"), "1508292390");
  EXPECT_EQ(Ok("{{isotime}}"), "2017-10-18T02:06:30Z");
  EXPECT_EQ(Ok("{{isotime \"2006-01-02T15:04\"}}"), "2017-10-18T02:06");
  EXPECT_EQ(Ok("{{isotime \"06/Jan/_2 03:04PM -0700 MST Mon .000\"}}"),
            "17/Oct/18 02:06AM +0000 UTC Wed .123");
  EXPECT_EQ(Ok("{{isotime `Monday January 2 3:4:5 pm Z07:00 .999 002 __2`}}"),
            "Wednesday October 18 2:6:30 am Z .123 291 291");
  EXPECT_EQ(Fails("{{isotime \"a\" \"b\"}}"),
            ":1:3: error calling isotime: wrong number of args for isotime: want at most 1 got 2 (a b)");
  EXPECT_EQ(Ok("{{strftime \"%Y%m%d-%H%M%S %j\"}}"), "20171018-020630 %j");
}

TEST_F(EngineTest, BuildInformation) {
  EXPECT_EQ(Ok("{{build_name}} {{build_type}} {{template_dir}} {{pwd}} "
               "{{packer_version}} {{uuid}}"),
            "web docker /tpl /work 1.6.6 8f3c1b2a-0000-4000-8000-000000000001");
  ctx_.build_name.clear();
  EXPECT_EQ(Fails("{{build_name}}"),
            ":1:3: error calling build_name: build_name not available");
  ctx_.template_dir.clear();
  EXPECT_EQ(Fails("{{template_dir}}"),
            ":1:3: error calling template_dir: template path not available");
  ctx_.uuid = nullptr;
  EXPECT_TRUE(std::regex_match(Ok("{{uuid}}"),
                               std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}"
                                          "-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  EXPECT_NE(Ok("{{uuid}}"), Ok("{{uuid}}"));
}

TEST_F(EngineTest, StringFunctions) {
  EXPECT_EQ(Ok("{{lower `AbC`}} {{upper `AbC`}}"), "abc ABC");
  EXPECT_EQ(Ok("{{split `a-b-c` `-` 2}} {{split `abc` `` 1}} {{split (user "
               "`csv`) `,` 0}}"),
            "c b a");
  EXPECT_EQ(Ok("{{replace `o` `0` 1 `foo boo`}} {{replace `o` `0` -1 `foo "
               "boo`}} {{replace_all `o` `0` `foo`}}"),
            "f0o boo f00 b00 f00");
  EXPECT_EQ(Ok("{{replace `` `-` 2 `ab`}}|{{replace_all `` `-` `ab`}}"),
            "-a-b|-a-b-");
  // The example from Packer's template engine docs.
  ctx_.clean_resource_name_allowed = true;
  EXPECT_EQ(Ok("mybuild-{{isotime | clean_resource_name}}"),
            "mybuild-2017-10-18t02-06-30z");
  ctx_.clean_resource_name_allowed = false;
  EXPECT_EQ(Fails("{{clean_resource_name `a`}}"),
            ":1:3: error calling clean_resource_name: function \"clean_resource_name\" not "
            "defined here: only amazon builders' options offer it");
  EXPECT_EQ(CleanResourceName("My_Image.v2 (x)"), "my-image-v2--x-");
}

TEST_F(EngineTest, SplitErrors) {
  EXPECT_EQ(Fails("{{split \"a\" \",\" 1}}"),
            ":1:3: error calling split: index 1 is out of range: \"a\" split on "
            "\",\" has 1 parts");
  EXPECT_EQ(Fails("{{split \"a\" \",\"}}"),
            ":1:3: wrong number of args for split: want 3 got 2");
  EXPECT_EQ(Fails("{{split \"a\" \",\" \"x\"}}"),
            ":1:17: expected integer; found \"x\"");
  EXPECT_EQ(Fails("{{lower 1}}"), ":1:9: expected string; found 1");
  EXPECT_EQ(Fails("{{ 5 | lower }}"),
            ":1:8: wrong type for value; expected string; got int");
  // The piped value is split's last argument (the index), so the separator
  // lands in the string slot: packer 1.6.6 fails the same way.
  EXPECT_EQ(Fails("{{user `csv` | split `,` 1}}"),
            ":1:26: expected string; found 1");
  EXPECT_EQ(Fails("{{lower (len `ab`)}}"),
            ":1:9: wrong type for value; expected string; got int");
}

TEST_F(EngineTest, RemoteServicesOnlyInVariableDefaults) {
  EXPECT_EQ(Fails("{{consul_key `a/b`}}"),
            ":1:3: error calling consul_key: consul_key is only allowed in variable defaults");
  EXPECT_EQ(Fails("{{vault `/secret/x` `k`}}"),
            ":1:3: error calling vault: vault is only allowed in variable defaults");
  EXPECT_EQ(Fails("{{aws_secretsmanager `db` `pw`}}"),
            ":1:3: error calling aws_secretsmanager: aws_secretsmanager is only allowed in variable defaults");
  EXPECT_EQ(Fails("{{aws_secretsmanager_raw `db`}}"),
            ":1:3: error calling aws_secretsmanager_raw: aws_secretsmanager_raw is only allowed in variable "
            "defaults");
  ctx_.env_allowed = true;
  EXPECT_EQ(Fails("{{consul_key `a/b`}}"),
            ":1:3: error calling consul_key: could not read key \"a/b\": "
            "Consul is not configured (kiln has no "
            "Consul client)");
  EXPECT_EQ(Fails("{{vault `/secret/x` `k`}}"),
            ":1:3: error calling vault: could not read key \"k\" at path "
            "\"/secret/x\": Vault is not configured "
            "(kiln has no Vault client)");
  // The secrets themselves are read in tests/aws_secrets_test.cc (moto).
  EXPECT_EQ(Fails("{{aws_secretsmanager ``}}"),
            ":1:3: error calling aws_secretsmanager: a secret name must be given");
  EXPECT_EQ(Fails("{{aws_secretsmanager `a` `b` `c`}}"),
            ":1:3: error calling aws_secretsmanager: aws_secretsmanager takes a secret name and, optionally, a key");
  EXPECT_EQ(
      Fails("{{aws_secretsmanager}}"),
      ":1:3: error calling aws_secretsmanager: secret name must be provided");
  EXPECT_EQ(Fails("{{sed `s/a/b/` `x`}}"),
            ":1:3: error calling sed: sed is deprecated and no longer available: use "
            "replace or replace_all");
}

// Expected strings are packer 1.6.6's output for the same templates.
TEST_F(EngineTest, GoBuiltins) {
  EXPECT_EQ(Ok("{{printf \"%v %v\" 1 `x`}}|{{println `a` 1 true}}|{{print `a` "
               "`b` 1 2 `c` true false}}"),
            "1 x|a 1 true\n|ab1 2ctrue false");
  EXPECT_EQ(Ok("{{len `hello`}} {{index `abc` 1}} {{index `abc`}} {{len .}} "
               "{{index . `Vars`}}"),
            "5 98 abc 2 A=1");
  EXPECT_EQ(Ok("{{eq 1 1}} {{eq `a` `b` `a`}} {{ne 1 2}} {{lt 1 2}} {{le `a` "
               "`b`}} {{gt 3 2}} {{ge 2 2}} {{lt 2 1}}"),
            "true true true true true true true false");
  EXPECT_EQ(Ok("{{and 1 0 2}} {{or 0 `` `x`}} {{not ``}} {{and `a` `b`}} [{{or "
               "`` ``}}]"),
            "0 x true b []");
  EXPECT_EQ(Ok("{{urlquery `a b&c=d/é`}} {{js \"a'b\\\"c<d>\\n\"}} {{html `<a "
               "href=\"x\">&'`}}"),
            "a+b%26c%3Dd%2F%C3%A9 a\\'b\\\"c\\u003Cd\\u003E\\u000A &lt;a "
            "href=&#34;x&#34;&gt;&amp;&#39;");
  EXPECT_EQ(Ok("{{html 1 `<`}}"), "1&lt;");
}

TEST_F(EngineTest, BuiltinErrors) {
  EXPECT_EQ(Fails("{{index `abc` 5}}"),
            ":1:3: error calling index: index out of range: 5");
  EXPECT_EQ(Fails("{{eq `a` 1}}"),
            ":1:3: error calling eq: incompatible types for comparison");
  EXPECT_EQ(Fails("{{lt true false}}"),
            ":1:3: error calling lt: invalid type for comparison");
  EXPECT_EQ(Fails("{{ eq 1 }}"),
            ":1:4: error calling eq: missing argument for comparison");
  EXPECT_EQ(Fails("{{ len 3 }}"), ":1:4: error calling len: len of type int");
  EXPECT_EQ(Fails("{{printf}}"),
            ":1:3: wrong number of args for printf: want at least 1 got 0");
  EXPECT_EQ(Fails("{{ not 1 2 }}"),
            ":1:4: wrong number of args for not: want 1 got 2");
}

TEST_F(EngineTest, Literals) {
  EXPECT_EQ(Ok("{{0x1F}} {{-3}} {{1.5}} {{'a'}} {{1e3}} {{0b101}} {{0o17}} "
               "{{1_000}} {{true}}"),
            "31 -3 1.5 97 1000 5 15 1000 true");
  EXPECT_EQ(Ok(R"({{"a\tb\x41\u00e9\\\""}})"), "a\tbAé\\\"");
  EXPECT_EQ(Ok("{{`raw \\n`}}"), "raw \\n");
  EXPECT_EQ(Ok(R"({{"\101\U0001F600"}} {{'\n'}} {{'é'}} {{"}}"}})"),
            "A\U0001F600 10 233 }}");
}

// The issue's reproducer took 2.9 GB and 13 s: Go's fmt reads no width
// beyond 1e6 (packer 1.6.6 prints this).
TEST_F(EngineTest, PrintfWidthIsCapped) {
  EXPECT_EQ(Ok("{{ printf \"%999999999d\" 1 }}"), "%!(NOVERB)%!(EXTRA int=1)");
  EXPECT_EQ(Ok("{{ printf \"%*d|%.*f\" 3 1 2 3.14159 }}"), "  1|3.14");
  EXPECT_EQ(Ok("{{ printf \"%*d\" 1000001 1 }}"), "%!(BADWIDTH)1");
}

// Go has no limit; kiln stops at kMaxStringBytes instead of allocating
// gigabytes for a few hundred bytes of template.
TEST_F(EngineTest, ResultsAreLimitedInSize) {
  std::string seven = "{{ printf \"" + std::string() +
                      "%10000000d%10000000d%10000000d%10000000d%10000000d%10000000d%10000000d\" 1 1 "
                      "1 1 1 1 1 }}";
  EXPECT_EQ(Fails("ab " + seven), ":1:7: error calling printf: the result would be longer than 64 MiB");
  std::string six = "{{ printf \"%10000000d%10000000d%10000000d%10000000d%10000000d%10000000d\" 1 1 1 1 1 1 }}";
  EXPECT_EQ(Ok(six).size(), 60000000u);
  EXPECT_EQ(Fails(six + six), ":1:88: the rendered text would be longer than 64 MiB");
  // Each level multiplies the length by 11: the 8th from the inside (the
  // 3rd call here) would pass 64 MiB.
  std::string nested = "`x`";
  for (int i = 0; i < 10; ++i) nested = "(replace_all `` `xxxxxxxxxx` " + nested + ")";
  EXPECT_EQ(Fails("{{ " + nested.substr(1, nested.size() - 2) + " }}"),
            ":1:62: error calling replace_all: the result would be longer than 64 MiB");
  std::string big = "(printf `%9000000d` 1)";
  EXPECT_EQ(Fails("{{ print " + big + " " + big + " " + big + " " + big + " " + big + " " + big +
                  " " + big + " " + big + " }}"),
            ":1:4: error calling print: the result would be longer than 64 MiB");
  EXPECT_EQ(Fails("{{ html " + big + " " + big + " " + big + " " + big + " " + big + " " + big +
                  " " + big + " " + big + " }}"),
            ":1:4: error calling html: the result would be longer than 64 MiB");
  EXPECT_EQ(Fails("{{ html (replace_all ` ` `&` (printf `%9000000s%9000000s` `&` `&`)) }}"),
            ":1:4: error calling html: the result would be longer than 64 MiB");
}

TEST_F(EngineTest, Pipelines) {
  EXPECT_EQ(Ok("{{user `foo` | lower}}"), "hello world");
  EXPECT_EQ(Ok("{{\"X\" | printf \"%s-%s\" \"a\"}}"),
            "a-X");  // the piped value comes last
  EXPECT_EQ(Ok("{{user `foo` | replace_all ` ` `_` | upper}}"), "HELLO_WORLD");
  EXPECT_EQ(Ok("{{len (split (upper `a,b`) `,` 0)}}"), "1");
  EXPECT_EQ(Fails("{{ \"a\" | upper \"b\"}}"),
            ":1:10: wrong number of args for upper: want 1 got 2");
  EXPECT_EQ(Fails("{{ upper | lower }}"),
            ":1:4: wrong number of args for upper: want 1 got 0");
}

TEST_F(EngineTest, TrimMarkersAndComments) {
  EXPECT_EQ(Ok("{{ `x` }} {{- `y` -}} {{ `z` }}"), "xyz");
  EXPECT_EQ(Ok("a \n {{- /* a comment */ -}} \t b"), "ab");
  EXPECT_EQ(Ok("a {{/* kept spaces */}} b"), "a  b");
  EXPECT_EQ(Ok("a {{-3}} b"),
            "a -3 b");  // "{{-3" is a number, not a trim marker
  EXPECT_EQ(Ok("a {{3 -}}\n b"), "a 3b");
}

TEST_F(EngineTest, IfElseWith) {
  EXPECT_EQ(Ok("{{if eq (user `foo`) \"Hello World\"}}yes{{else}}no{{end}}"),
            "yes");
  EXPECT_EQ(Ok("{{if user `empty`}}A{{else if true}}B{{else}}C{{end}}"), "B");
  EXPECT_EQ(Ok("{{if 0}}A{{else if ``}}B{{else}}C{{end}}"), "C");
  EXPECT_EQ(Ok("{{with user `foo`}}[{{.}}]{{end}} {{with user "
               "`empty`}}x{{else}}none{{end}}"),
            "[Hello World] none");
  EXPECT_EQ(Ok("{{if true -}}\n  x\n{{- end}}"), "x");
  EXPECT_EQ(Ok("{{if false}}{{split `a` `,` 9}}{{end}}ok"),
            "ok");  // untaken branches do not run
}

TEST_F(EngineTest, DataFields) {
  EXPECT_EQ(Ok("sh {{.Path}} {{ .Vars }}"), "sh /tmp/script.sh A=1");
  EXPECT_EQ(Ok("{{.}}"), "map[Path:/tmp/script.sh Vars:A=1]");
  EXPECT_EQ(Fails("x {{.Nope}}"),
            ":1:5: unknown data field .Nope: available here: .Path, .Vars");
  EXPECT_EQ(Fails("{{.Path.Foo}}"),
            ":1:3: can't evaluate field Foo in type string");
  EXPECT_EQ(Fails("{{with `s`}}{{.Path}}{{end}}"),
            ":1:15: can't evaluate field Path in type string");
}

TEST_F(EngineTest, BuildValues) {
  EXPECT_EQ(Ok("id={{build `ID`}}"), "id=i-123");
  EXPECT_EQ(
      Fails("{{build `Nope`}}"),
      ":1:3: error calling build: the build has no value called Nope");
}

TEST_F(EngineTest, BuildIsAnErrorWhereNoBuildValueCanExist) {
  ctx_.build_values.reset();
  ctx_.build_allowed = false;
  EXPECT_EQ(Fails("{{build `ID`}}"),
            ":1:3: error calling build: build values are not available here: only "
            "provisioners and post-processors can use them");
}

TEST_F(EngineTest, DeferredBuildKeysAreChecked) {
  ctx_.build_values.reset();
  ctx_.build_keys = {"ID", "Host"};
  EXPECT_EQ(Ok("{{build `Host`}}"), "{{build `Host`}}");
  EXPECT_EQ(Fails("x {{if true}}{{build `Flavour`}}{{end}}"),
            ":1:22: unknown build value 'Flavour': this build offers: ID, Host");
}

TEST_F(EngineTest, UserLookupResolvesLazily) {
  int calls = 0;
  ctx_.user_lookup = [&](const std::string& name) -> Result<std::optional<std::string>> {
    ++calls;
    if (name == "a") return std::optional<std::string>("A");
    if (name == "bad") return std::unexpected(MakeError("loop"));
    return std::optional<std::string>();
  };
  EXPECT_EQ(Ok("{{user `a`}}{{user `a`}}"), "AA");
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(Fails("{{user `bad`}}"), ":1:3: error calling user: loop");
  EXPECT_EQ(Fails("{{user `zz`}}"),
            ":1:3: error calling user: variable not set: zz (declare it in \"variables\")");
}

TEST_F(EngineTest, DeferredActionsAreLeftVerbatim) {
  ctx_.build_values.reset();
  ctx_.data.reset();
  const std::string text =
      "{{user `foo` | lower}} {{build `ID`}}|x {{- build `ID` -}} y|{{ .Path "
      "}}|"
      "{{if .Vars}}v{{else}}{{build `ID`}}{{end}}|{{with user "
      "`foo`}}{{.}}{{end}}|{{- `z` -}} ";
  std::string first = Ok(text);
  EXPECT_EQ(first,
            "hello world {{build `ID`}}|x {{- build `ID` -}} y|{{ .Path }}|"
            "{{if .Vars}}v{{else}}{{build `ID`}}{{end}}|Hello World|z");
  // Once the build ran, the deferred parts render as if never deferred.
  ctx_.build_values = std::map<std::string, std::string>{{"ID", "i-9"}};
  ctx_.data = std::map<std::string, std::string>{{"Path", "/p"}, {"Vars", ""}};
  EXPECT_EQ(Ok(first), "hello world i-9|xi-9y|/p|i-9|Hello World|z");
  EXPECT_EQ(Ok(first), Ok(text));
}

TEST_F(EngineTest, DeferralStillReportsOtherErrors) {
  ctx_.build_values.reset();
  EXPECT_EQ(Fails("{{build `ID`}} {{upper}}"),
            ":1:18: wrong number of args for upper: want 1 got 0");
  EXPECT_EQ(Fails("{{build `ID` | nope}}"),
            ":1:16: function \"nope\" not defined");
}

}  // namespace
}  // namespace kiln::interpolate
