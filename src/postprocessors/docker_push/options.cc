#include "postprocessors/docker_push/options.h"

#include "builders/docker/options.h"

namespace kiln::postprocessors::docker_push {
namespace {

using enum tmpl::OptionKind;

void Check(const tmpl::DecodedConfig& c, Diagnostics& diags) {
  if (c.Given("ecr_login") && !c.Given("login_server"))
    diags.push_back(MakeError(c.At("ecr_login"), "ecr_login needs login_server",
                              "set login_server to the registry, e.g. \"<account>.dkr.ecr.<region>.amazonaws.com\""));
}

}  // namespace

const tmpl::Schema& Options() {
  static const tmpl::Schema schema = {
      .type = "docker-push",
      .options = {
          {.name = "login", .kind = kBool},
          {.name = "login_server"},
          {.name = "login_username"},
          {.name = "login_password"},
          {.name = "ecr_login", .kind = kBool},
      },
      .includes = {&builders::docker::EcrOptions()},
      .check = Check,
  };
  return schema;
}

}  // namespace kiln::postprocessors::docker_push
