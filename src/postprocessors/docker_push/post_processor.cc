#include "postprocessors/docker_push/post_processor.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "clients/docker/reference.h"
#include "ui/output.h"

namespace kiln::postprocessors::docker_push {
namespace {

namespace api = clients::docker;

// Hides `auth` (and the header and config forms that carry it) in every output.
void MaskCredentials(const api::RegistryAuth& auth) {
  ui::Output& out = ui::Output::Process();
  out.AddSecret(auth.password);
  if (!auth.password.empty()) out.AddSecret(api::Base64Encode(auth.username + ":" + auth.password));
  out.AddSecret(api::RegistryAuthHeader(auth));
  out.AddSecret(api::AuthConfigJson(auth));
}

bool LooksLikeAuthFailure(const Error& e) {
  std::string text = e.Message();
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return std::tolower(c); });
  for (std::string_view hint : {"unauthorized", "authentication required", "401", "incorrect username or password",
                                "denied"})
    if (text.find(hint) != std::string::npos) return true;
  return false;
}

std::string ServerName(std::string_view server) {
  return server.empty() || server == api::kDockerHubServer ? std::string("Docker Hub") : std::string(server);
}

Error AuthError(std::string_view server, std::string_view user, const Error& cause, std::string_view fix) {
  return MakeError(
      fmt::format("authentication to registry {} failed{}", ServerName(server),
                  user.empty() ? std::string() : fmt::format(" for user '{}'", user)),
      fmt::format("{}\n{}", cause.Message(), fix));
}

}  // namespace

Config Prepare(const tmpl::DecodedConfig& c) {
  return Config{.login = c.Bool("login"),
                .login_server = c.String("login_server"),
                .login_username = c.String("login_username"),
                .login_password = c.String("login_password"),
                .ecr_login = c.Bool("ecr_login")};
}

Result<engine::PostProcessResult> PostProcessor::PostProcess(engine::BuildContext& ctx, engine::Artifact& input) {
  using namespace components::docker;
  using docker_common::UnknownArtifact;
  if (input.builder_id() != kImportId && input.builder_id() != kTagId)
    return std::unexpected(
        UnknownArtifact(input, "docker-push pushes the image of docker-import or docker-tag artifacts"));
  if (config_.ecr_login)
    return std::unexpected(MakeError("docker-push: kiln cannot log in to Amazon ECR yet",
                                     "log in with `aws ecr get-login-password | docker login ...` and drop ecr_login"));
  // What to push: the artifact's name and its tags, each once.
  std::vector<std::string> names = {input.id()};
  std::vector<std::string> tags = DockerTags(input);
  for (const std::string& t : tags)
    if (std::ranges::find(names, t) == names.end()) names.push_back(t);
  if (names.front().starts_with("sha256:"))
    return std::unexpected(MakeError(fmt::format("docker-push: image {} has no repository name", names.front()),
                                     "put a docker-tag with \"repository\" before docker-push in the chain"));

  Result<std::shared_ptr<api::DockerApi>> engine = connect_();
  if (!engine) return std::unexpected(engine.error());

  // Credentials: the template's login, else the docker CLI's configuration.
  std::optional<api::RegistryAuth> auth;
  std::string fix;
  if (config_.login) {
    auth = api::RegistryAuth{
        .username = config_.login_username, .password = config_.login_password, .server = config_.login_server};
    MaskCredentials(*auth);
    fix = "check login_username and login_password";
    ctx.ui->Message("Logging in...");
    if (Result<api::LoginResult> r = (*engine)->Login(*auth); !r)
      return std::unexpected(MakeError("Error logging in to Docker", AuthError(auth->server, auth->username, r.error(), fix).Message()));
  } else {
    std::string registry = api::RegistryOf(api::ParseImageRef(names.front()).repo);
    Result<std::optional<api::RegistryAuth>> found = api::FindCredentials(registry, lookup_, ctx.cancel);
    if (!found) return std::unexpected(found.error());
    auth = *found;
    if (auth) {
      MaskCredentials(*auth);
      ui::Log("docker-push: using the docker configuration's credentials for {}", registry);
    }
    fix = "log in with `docker login " + (registry == api::kDockerHubServer ? std::string() : registry) +
          "`, or set login, login_username and login_password";
  }

  // Push each name; layer progress as its status changes.
  std::string digest;
  for (const std::string& name : names) {
    ctx.ui->Message("Pushing: " + name);
    std::map<std::string, std::string> last;  // layer id -> status shown
    api::PushOptions options{.auth = auth, .on_progress = [&](const api::ProgressMessage& m) {
                               if (m.status.empty()) return;
                               if (!m.id.empty()) {
                                 std::string& seen = last[m.id];
                                 if (seen == m.status) return;
                                 seen = m.status;
                               }
                               ctx.ui->Message(m.id.empty() ? m.status : m.id + ": " + m.status);
                             }};
    Result<std::string> pushed = (*engine)->ImagePush(name, options, *ctx.cancel);
    if (!pushed) {
      if (LooksLikeAuthFailure(pushed.error()))
        return std::unexpected(AuthError(auth ? auth->server : api::RegistryOf(api::ParseImageRef(name).repo),
                                         auth ? auth->username : "", pushed.error(), fix));
      return std::unexpected(pushed.error());
    }
    if (!pushed->empty()) {
      ctx.ui->Message(fmt::format("Pushed {}: digest {}", name, *pushed));
      if (digest.empty()) digest = *pushed;
    }
  }

  ImageFacts facts{.builder_id = std::string(kImportId), .id = names.front(), .tags = tags, .digest = digest};
  return engine::PostProcessResult{.artifact = std::make_unique<ImageArtifact>(*engine, std::move(facts)),
                                   .keep_input = true};
}

Result<std::unique_ptr<engine::PostProcessor>> MakeDockerPush(const tmpl::DecodedConfig& config) {
  return std::make_unique<PostProcessor>(Prepare(config));
}

}  // namespace kiln::postprocessors::docker_push
