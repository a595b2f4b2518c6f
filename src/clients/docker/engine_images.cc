// Images: inspect, pull, push, tag, remove, commit, import, save.
#include <fmt/format.h>

#include "clients/docker/engine_client.h"
#include "clients/docker/engine_internal.h"
#include "clients/docker/reference.h"

namespace kiln::clients::docker {

using namespace internal;  // NOLINT: the engine_*.cc helpers

namespace {

// Runs a request whose 200 body is a JSON progress stream (pull, push,
// import). The HTTP status only covers what failed before streaming began;
// later failures arrive as {"error":…} messages.
Result<void> CallProgress(const HttpTransport& transport, const std::string& summary, HttpRequest request,
                          JsonMessageStream& messages, const CancelToken& cancel) {
  request.on_body = [&messages](std::string_view bytes) -> Result<void> {
    messages.Feed(bytes);
    return {};
  };
  Result<HttpResponse> r = Call(transport, summary, std::move(request), cancel);
  if (!r) return std::unexpected(r.error());
  messages.Finish();
  if (messages.error()) return std::unexpected(MakeError(summary, *messages.error()));
  return {};
}

}  // namespace

Result<ImageInfo> EngineClient::ImageInspect(const std::string& image) {
  Result<nlohmann::json> j = CallJson(transport_, fmt::format("docker image inspect {}", image),
                                      Request("GET", fmt::format("/images/{}/json", PathEscape(image))));
  if (!j) return std::unexpected(j.error());
  ImageInfo info{.id = Str(*j, "Id"),
                 .repo_tags = Strings(*j, "RepoTags"),
                 .repo_digests = Strings(*j, "RepoDigests"),
                 .os = Str(*j, "Os"),
                 .architecture = Str(*j, "Architecture"),
                 .size = Int(*j, "Size")};
  if (auto c = j->find("Config"); c != j->end() && c->is_object()) {
    info.config = ImageConfig{.cmd = OptStrings(*c, "Cmd"),
                              .entrypoint = OptStrings(*c, "Entrypoint"),
                              .env = Strings(*c, "Env"),
                              .labels = StringMap(*c, "Labels"),
                              .exposed_ports = Keys(*c, "ExposedPorts"),
                              .volumes = Keys(*c, "Volumes"),
                              .working_dir = Str(*c, "WorkingDir"),
                              .user = Str(*c, "User")};
  }
  return info;
}

Result<void> EngineClient::ImagePull(const std::string& ref, const PullOptions& options, const CancelToken& cancel) {
  ImageRef parsed = ParseImageRef(ref);
  HttpRequest request = Request("POST", "/images/create");
  request.query = {{"fromImage", parsed.repo}, {"tag", parsed.TagOrDigest()}};
  if (!options.platform.empty()) request.query.emplace_back("platform", options.platform);
  request.headers.push_back("X-Registry-Auth: " + RegistryAuthHeader(options.auth));
  JsonMessageStream messages(options.on_progress);
  return CallProgress(transport_, fmt::format("docker pull {}", ref), std::move(request), messages, cancel);
}

Result<std::string> EngineClient::ImagePush(const std::string& ref, const PushOptions& options,
                                            const CancelToken& cancel) {
  ImageRef parsed = ParseImageRef(ref);
  HttpRequest request = Request("POST", fmt::format("/images/{}/push", PathEscape(parsed.repo)));
  request.query = {{"tag", parsed.TagOrDigest()}};
  request.headers.push_back("X-Registry-Auth: " + RegistryAuthHeader(options.auth));
  JsonMessageStream messages(options.on_progress);
  if (Result<void> r =
          CallProgress(transport_, fmt::format("docker push {}", ref), std::move(request), messages, cancel);
      !r)
    return std::unexpected(r.error());
  return messages.digest();
}

Result<void> EngineClient::ImageTag(const std::string& image, const std::string& repo, const std::string& tag,
                                    bool /*force*/) {
  std::string full_tag = tag.empty() ? "latest" : tag;
  HttpRequest request = Request("POST", fmt::format("/images/{}/tag", PathEscape(image)));
  request.query = {{"repo", repo}, {"tag", full_tag}};
  Result<HttpResponse> r =
      Call(transport_, fmt::format("docker tag {} {}:{}", Short(image), repo, full_tag), std::move(request));
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<void> EngineClient::ImageRemove(const std::string& image, bool force) {
  HttpRequest request = Request("DELETE", fmt::format("/images/{}", PathEscape(image)));
  request.query = {{"force", force ? "1" : "0"}};
  Result<HttpResponse> r = Call(transport_, fmt::format("docker rmi {}", Short(image)), std::move(request));
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<std::string> EngineClient::ImageCommit(const std::string& container, const CommitOptions& options) {
  HttpRequest request = Request("POST", "/commit");
  request.query = {{"container", container}, {"pause", options.pause ? "1" : "0"}};
  if (!options.repo.empty()) request.query.emplace_back("repo", options.repo);
  if (!options.tag.empty()) request.query.emplace_back("tag", options.tag);
  if (!options.author.empty()) request.query.emplace_back("author", options.author);
  if (!options.message.empty()) request.query.emplace_back("comment", options.message);
  for (const std::string& change : options.changes) request.query.emplace_back("changes", change);
  // No body: the engine then starts from the container's own config.
  Result<nlohmann::json> j =
      CallJson(transport_, fmt::format("docker commit {}", Short(container)), std::move(request));
  if (!j) return std::unexpected(j.error());
  return Str(*j, "Id");
}

Result<std::string> EngineClient::ImageImport(const ByteSource& tar, const ImportOptions& options,
                                              const CancelToken& cancel) {
  std::string summary =
      options.repo.empty() ? std::string("docker import") : fmt::format("docker import {}", options.repo);
  HttpRequest request = Request("POST", "/images/create");
  request.query = {{"fromSrc", "-"}};
  if (!options.repo.empty()) request.query.emplace_back("repo", options.repo);
  if (!options.tag.empty()) request.query.emplace_back("tag", options.tag);
  if (!options.message.empty()) request.query.emplace_back("message", options.message);
  if (!options.platform.empty()) request.query.emplace_back("platform", options.platform);
  for (const std::string& change : options.changes) request.query.emplace_back("changes", change);
  request.headers.push_back("Content-Type: application/x-tar");
  request.body_source = tar;
  JsonMessageStream messages(nullptr);
  if (Result<void> r = CallProgress(transport_, summary, std::move(request), messages, cancel); !r)
    return std::unexpected(r.error());
  // The engine's last word is the new image's id.
  if (!messages.last_status().starts_with("sha256:"))
    return std::unexpected(
        MakeError(summary, fmt::format("no image id in the engine's answer {:?}", messages.last_status())));
  return messages.last_status();
}

Result<void> EngineClient::ImageSave(const std::vector<std::string>& images, std::ostream& out,
                                     const CancelToken& cancel) {
  std::string summary = fmt::format("docker save {}", fmt::join(images, " "));
  HttpRequest request = Request("GET", "/images/get");
  for (const std::string& image : images) request.query.emplace_back("names", image);
  request.on_body = OstreamSink(out, "the saved images");
  Result<HttpResponse> r = Call(transport_, summary, std::move(request), cancel);
  if (!r) return std::unexpected(r.error());
  return {};
}

}  // namespace kiln::clients::docker
