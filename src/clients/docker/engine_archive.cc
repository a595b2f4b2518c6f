// Files in and out of containers: the /containers/{id}/archive endpoint
// (HEAD = stat, PUT = extract a tar, GET = a tar of a path).
#include <fmt/format.h>

#include "clients/docker/engine_client.h"
#include "clients/docker/engine_internal.h"
#include "clients/docker/tar_stream.h"

namespace kiln::clients::docker {

using namespace internal;  // NOLINT: the engine_*.cc helpers

namespace {

HttpRequest ArchiveRequest(std::string method, const std::string& container, const std::string& path) {
  HttpRequest request = Request(std::move(method), fmt::format("/containers/{}/archive", PathEscape(container)));
  request.query = {{"path", path}};
  return request;
}

}  // namespace

Result<PathStat> EngineClient::StatPath(const std::string& container, const std::string& path) {
  std::string summary = fmt::format("docker stat {}:{}", Short(container), path);
  Result<HttpResponse> r = Call(transport_, summary, ArchiveRequest("HEAD", container, path));
  if (!r) return std::unexpected(r.error());
  auto header = r->headers.find("x-docker-container-path-stat");
  if (header == r->headers.end())
    return std::unexpected(MakeError(summary, "the engine sent no X-Docker-Container-Path-Stat header"));
  std::optional<std::string> json = Base64Decode(header->second);
  nlohmann::json j = json ? nlohmann::json::parse(*json, nullptr, /*allow_exceptions=*/false) : nlohmann::json();
  if (!j.is_object())
    return std::unexpected(MakeError(summary, fmt::format("bad X-Docker-Container-Path-Stat {:?}", header->second)));
  return PathStat{.name = Str(j, "name"),
                  .size = Int(j, "size"),
                  .mode = static_cast<std::uint32_t>(Int(j, "mode")),
                  .mtime = Str(j, "mtime"),
                  .link_target = Str(j, "linkTarget")};
}

Result<void> EngineClient::PutArchive(const std::string& container, const std::string& remote_dir,
                                      const ByteSource& tar, const CancelToken& cancel) {
  std::string summary = fmt::format("docker cp to {}:{}", Short(container), remote_dir);
  HttpRequest request = ArchiveRequest("PUT", container, remote_dir);
  request.headers.push_back("Content-Type: application/x-tar");
  request.body_source = tar;
  Result<HttpResponse> r = Call(transport_, summary, std::move(request), cancel);
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<void> EngineClient::GetArchiveToDir(const std::string& container, const std::string& remote_path,
                                           const std::filesystem::path& local_dir, const CancelToken& cancel) {
  std::string summary = fmt::format("docker cp {}:{} {}", Short(container), remote_path, local_dir.string());
  Result<HttpStream> stream = transport_.Open(ArchiveRequest("GET", container, remote_path), cancel);
  if (!stream) return std::unexpected(Wrap(summary, stream.error()));
  if (stream->response().status >= 400) return std::unexpected(ApiError(summary, stream->response()));
  if (Result<void> r = ExtractTar(stream->AsSource(), local_dir); !r) return std::unexpected(Wrap(summary, r.error()));
  return {};
}

Result<void> EngineClient::GetArchiveFile(const std::string& container, const std::string& remote_path,
                                          std::ostream& out, const CancelToken& cancel) {
  std::string summary = fmt::format("docker cp {}:{}", Short(container), remote_path);
  std::string path = remote_path;
  // At most one symlink hop: the engine resolves the link's whole chain for us.
  for (int hop = 0;; ++hop) {
    Result<HttpStream> stream = transport_.Open(ArchiveRequest("GET", container, path), cancel);
    if (!stream) return std::unexpected(Wrap(summary, stream.error()));
    if (stream->response().status >= 400) return std::unexpected(ApiError(summary, stream->response()));
    Result<TarEntryInfo> entry = ReadFirstEntry(stream->AsSource(), out);
    if (!entry) return std::unexpected(Wrap(summary, entry.error()));
    switch (entry->type) {
      case TarEntryInfo::Type::kFile:
        return {};
      case TarEntryInfo::Type::kDirectory:
        return std::unexpected(MakeError(summary, "is a directory"));
      case TarEntryInfo::Type::kOther:
        return std::unexpected(MakeError(summary, "is not a regular file"));
      case TarEntryInfo::Type::kSymlink:
        break;
    }
    if (hop > 0) return std::unexpected(MakeError(summary, "is a symlink to a symlink"));
    Result<PathStat> stat = StatPath(container, path);
    if (!stat) return std::unexpected(stat.error());
    if (stat->link_target.empty()) return std::unexpected(MakeError(summary, "is a dangling symlink"));
    path = stat->link_target;
  }
}

}  // namespace kiln::clients::docker
