#include "postprocessors/checksum/post_processor.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "postprocessors/common/artifacts.h"
#include "postprocessors/common/render.h"
#include "util/files.h"
#include "util/unique_fd.h"

namespace kiln::postprocessors::checksum {
namespace {

namespace fs = std::filesystem;

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// Parallel builds may append to one checksum file; one line is one write,
// and this keeps the lines of one process whole and in order.
std::mutex& AppendMutex() {
  static std::mutex m;
  return m;
}

Result<void> AppendLine(const std::string& path, const std::string& line) {
  std::error_code ec;
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  if (ec) return std::unexpected(MakeError(fmt::format("unable to create dir {}", parent.string()), ec.message()));
  std::lock_guard lock(AppendMutex());
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) return std::unexpected(MakeError(fmt::format("unable to create file {}", path), std::strerror(errno)));
  if (::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    return std::unexpected(MakeError(fmt::format("unable to write checksum file {}", path), std::strerror(errno)));
  return {};
}

}  // namespace

Config Prepare(const tmpl::DecodedConfig& c) {
  Config config;
  if (c["checksum_types"].is_array() && !c["checksum_types"].empty()) config.types = c.Strings("checksum_types");
  if (c.Given("output")) config.output = c.String("output");
  return config;
}

Result<std::string> HashFile(const std::string& path, std::string_view type, const CancelToken* cancel) {
  const EVP_MD* md = EVP_get_digestbyname(std::string(type).c_str());
  if (md == nullptr) return std::unexpected(MakeError(fmt::format("unknown checksum type '{}'", type)));
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> mdctx(EVP_MD_CTX_new());
  if (!mdctx || EVP_DigestInit_ex(mdctx.get(), md, nullptr) != 1)
    return std::unexpected(MakeError(fmt::format("cannot start a {} digest", type)));
  // Never blocks on a FIFO named as an artifact file: only regular files.
  Result<UniqueFd> opened = OpenRegularFile(path);
  if (!opened)  // Packer's words
    return std::unexpected(MakeError(fmt::format("unable to open file {}", path), opened.error().detail.empty()
                                                                                       ? opened.error().summary
                                                                                       : opened.error().Message()));
  UniqueFd fd = std::move(*opened);
  std::vector<unsigned char> buf(1 << 20);
  for (;;) {
    if (cancel != nullptr && cancel->cancelled())
      return std::unexpected(MakeError(fmt::format("cancelled while computing the {} hash of {}", type, path)));
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return std::unexpected(
          MakeError(fmt::format("unable to compute {} hash for {}", type, path), std::strerror(errno)));
    if (n == 0) break;
    EVP_DigestUpdate(mdctx.get(), buf.data(), static_cast<std::size_t>(n));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(mdctx.get(), digest, &len);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

Result<engine::PostProcessResult> ChecksumPostProcessor::PostProcess(engine::BuildContext& ctx,
                                                                     engine::Artifact& input) {
  std::vector<std::string> inputs = input.files();
  std::vector<std::string> files = inputs;
  for (const std::string& type : config_.types) {
    for (const std::string& file : inputs) {
      Result<std::string> output = RenderDeferred("output", config_.output, ctx, {{"ChecksumType", type}});
      if (!output) return std::unexpected(output.error());
      Result<std::string> digest = HashFile(file, type, ctx.cancel);
      if (!digest) return std::unexpected(digest.error());
      std::string line = fmt::format("{}\t{}\n", *digest, fs::path(file).filename().string());
      if (Result<void> r = AppendLine(*output, line); !r) return std::unexpected(r.error());
      if (std::ranges::find(files, *output) == files.end()) files.push_back(*output);
    }
  }
  return engine::PostProcessResult{
      .artifact = std::make_unique<FilesArtifact>(std::string(kBuilderId), std::move(files)),
      .keep_input = true,
      .force_keep = true,
  };
}

Result<std::unique_ptr<engine::PostProcessor>> MakeChecksum(const tmpl::DecodedConfig& config) {
  return std::make_unique<ChecksumPostProcessor>(Prepare(config));
}

}  // namespace kiln::postprocessors::checksum
