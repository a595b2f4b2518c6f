#include "postprocessors/manifest/post_processor.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "postprocessors/common/artifacts.h"
#include "postprocessors/manifest/go_json.h"
#include "ui/output.h"
#include "util/unique_fd.h"
#include "json/value.h"

namespace kiln::postprocessors::manifest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

// Go's decoder: a missing or null field leaves the zero value; a value of
// another type is an error.
template <typename T>
void Field(const json& obj, const char* key, T& out) {
  if (!obj.contains(key) || obj.at(key).is_null()) return;
  out = obj.at(key).get<T>();
}

BuildRecord ReadBuild(const json& b) {
  BuildRecord r;
  if (!b.is_object()) throw std::runtime_error("a build is not an object");
  Field(b, "name", r.name);
  Field(b, "builder_type", r.builder_type);
  Field(b, "build_time", r.build_time);
  Field(b, "artifact_id", r.artifact_id);
  Field(b, "packer_run_uuid", r.packer_run_uuid);
  if (b.contains("files") && !b.at("files").is_null()) {
    r.files.emplace();
    for (const json& f : b.at("files")) {
      FileRecord fr;
      if (!f.is_object()) throw std::runtime_error("a file is not an object");
      Field(f, "name", fr.name);
      Field(f, "size", fr.size);
      r.files->push_back(std::move(fr));
    }
  }
  if (b.contains("custom_data") && !b.at("custom_data").is_null())
    r.custom_data = b.at("custom_data").get<std::map<std::string, std::string>>();
  return r;
}

// The two locks around one read-modify-write of the manifest.
class ManifestLock {
 public:
  explicit ManifestLock(std::string path) : guard_(Mutex()), path_(std::move(path)) {
    for (int i = 0; i < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200 * i));
      if (UniqueFd(::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600))) {
        held_ = true;
        return;
      }
      ui::Log("manifest: cannot lock {} ({}); retrying", path_, std::strerror(errno));
    }
  }
  ManifestLock(const ManifestLock&) = delete;
  ManifestLock& operator=(const ManifestLock&) = delete;
  ~ManifestLock() {
    if (held_) ::unlink(path_.c_str());
  }

 private:
  static std::mutex& Mutex() {
    static std::mutex m;
    return m;
  }
  std::lock_guard<std::mutex> guard_;
  std::string path_;
  bool held_ = false;
};

}  // namespace

Result<Manifest> ParseManifest(const std::string& text, const std::string& path) {
  Manifest m;
  if (text.empty()) return m;
  try {
    json doc = json::parse(text);
    if (!doc.is_object()) throw std::runtime_error("the top level is not an object");
    if (doc.contains("builds") && !doc.at("builds").is_null())
      for (const json& b : doc.at("builds")) m.builds.push_back(ReadBuild(b));
    Field(doc, "last_run_uuid", m.last_run_uuid);
  } catch (const std::exception& e) {
    return std::unexpected(MakeError(fmt::format("Unable to parse content from {}", path), e.what()));
  }
  return m;
}

std::string SerializeManifest(const Manifest& m) {
  ordered_json builds = ordered_json::array();
  for (const BuildRecord& b : m.builds) {
    ordered_json o = ordered_json::object();
    o["name"] = b.name;
    o["builder_type"] = b.builder_type;
    if (b.build_time != 0) o["build_time"] = b.build_time;
    if (b.files) {
      o["files"] = ordered_json::array();
      for (const FileRecord& f : *b.files) o["files"].push_back(ordered_json{{"name", f.name}, {"size", f.size}});
    } else {
      o["files"] = nullptr;
    }
    o["artifact_id"] = b.artifact_id;
    o["packer_run_uuid"] = b.packer_run_uuid;
    if (b.custom_data) {
      o["custom_data"] = ordered_json::object();
      for (const auto& [k, v] : *b.custom_data) o["custom_data"][k] = v;  // std::map: sorted, as Go
    } else {
      o["custom_data"] = nullptr;
    }
    builds.push_back(std::move(o));
  }
  ordered_json doc = ordered_json::object();
  doc["builds"] = std::move(builds);
  doc["last_run_uuid"] = m.last_run_uuid;
  return GoMarshalIndent(doc);
}

Config Prepare(const tmpl::DecodedConfig& c) {
  Config config;
  if (c.Given("output")) config.output = c.String("output");
  config.strip_path = c.Bool("strip_path");
  config.strip_time = c.Bool("strip_time");
  if (c["custom_data"].is_object()) {
    config.custom_data.emplace();
    for (const auto& [k, v] : c["custom_data"].items())
      (*config.custom_data)[k] = v.is_string() ? v.get<std::string>() : kiln::json::Dump(v);
  }
  return config;
}

Result<engine::PostProcessResult> ManifestPostProcessor::PostProcess(engine::BuildContext& ctx,
                                                                     engine::Artifact& input) {
  BuildRecord record{.name = ctx.build_name,
                     .builder_type = ctx.build_type,
                     .artifact_id = input.id(),
                     .packer_run_uuid = ctx.packer_run_uuid,
                     .custom_data = config_.custom_data};
  for (const std::string& file : input.files()) {
    if (!record.files) record.files.emplace();
    std::error_code ec;
    std::uintmax_t size = fs::file_size(file, ec);
    record.files->push_back({.name = config_.strip_path ? fs::path(file).filename().string() : file,
                             .size = ec ? 0 : static_cast<long long>(size)});
  }
  if (!config_.strip_time)
    record.build_time =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();

  const std::string& path = config_.output;
  std::error_code ec;
  if (fs::path parent = fs::path(path).parent_path(); !parent.empty()) fs::create_directories(parent, ec);
  ManifestLock lock(path + ".lock");
  std::string text;
  if (fs::exists(path)) {
    Result<std::string> read = [&]() -> Result<std::string> {
      std::ifstream in(path, std::ios::binary);
      if (!in) return std::unexpected(MakeError(fmt::format("Unable to open {} for reading", path), std::strerror(errno)));
      return std::string(std::istreambuf_iterator<char>(in), {});
    }();
    if (!read) return std::unexpected(read.error());
    text = std::move(*read);
  }
  Result<Manifest> manifest = ParseManifest(text, path);
  if (!manifest) return std::unexpected(manifest.error());
  if (ctx.force && manifest->last_run_uuid != ctx.packer_run_uuid) *manifest = Manifest{};
  manifest->builds.push_back(std::move(record));
  manifest->last_run_uuid = ctx.packer_run_uuid;

  std::string bytes = SerializeManifest(*manifest);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0664));
  if (!fd) return std::unexpected(MakeError(fmt::format("Unable to write {}", path), std::strerror(errno)));
  ssize_t n = ::write(fd.get(), bytes.data(), bytes.size());
  int saved = errno;
  fd.Reset();
  if (n != static_cast<ssize_t>(bytes.size()))
    return std::unexpected(MakeError(fmt::format("Unable to write {}", path), std::strerror(saved)));
  return engine::PostProcessResult{
      .artifact = std::make_unique<PassThroughArtifact>(input), .keep_input = true, .force_keep = true};
}

Result<std::unique_ptr<engine::PostProcessor>> MakeManifest(const tmpl::DecodedConfig& config) {
  return std::make_unique<ManifestPostProcessor>(Prepare(config));
}

}  // namespace kiln::postprocessors::manifest
