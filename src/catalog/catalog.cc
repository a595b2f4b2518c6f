#include "catalog/catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <span>

#include "builders/amazon_ebs/builder.h"
#include "builders/amazon_ebs/options.h"
#include "builders/docker/builder.h"
#include "builders/docker/options.h"
#include "builders/file/builder.h"
#include "builders/file/options.h"
#include "builders/null/builder.h"
#include "builders/null/options.h"
#include "builders/qemu/options.h"
#include "postprocessors/artifice/options.h"
#include "postprocessors/artifice/post_processor.h"
#include "postprocessors/checksum/options.h"
#include "postprocessors/checksum/post_processor.h"
#include "postprocessors/compress/options.h"
#include "postprocessors/compress/post_processor.h"
#include "postprocessors/docker_import/options.h"
#include "postprocessors/docker_import/post_processor.h"
#include "postprocessors/docker_push/options.h"
#include "postprocessors/docker_push/post_processor.h"
#include "postprocessors/docker_save/options.h"
#include "postprocessors/docker_save/post_processor.h"
#include "postprocessors/docker_tag/options.h"
#include "postprocessors/docker_tag/post_processor.h"
#include "postprocessors/manifest/options.h"
#include "postprocessors/manifest/post_processor.h"
#include "postprocessors/shell_local/options.h"
#include "postprocessors/shell_local/post_processor.h"
#include "provisioners/ansible/options.h"
#include "provisioners/breakpoint/options.h"
#include "provisioners/breakpoint/provisioner.h"
#include "provisioners/file/options.h"
#include "provisioners/file/provisioner.h"
#include "provisioners/shell/options.h"
#include "provisioners/shell/provisioner.h"
#include "provisioners/shell_local/options.h"
#include "provisioners/shell_local/provisioner.h"

namespace kiln::catalog {
namespace {

struct Entry {
  std::string_view type;  // as templates name it
  const tmpl::Schema& (*options)();
  // The one matching the table's kind; null while kiln only validates it.
  BuilderFactory builder = nullptr;
  ProvisionerFactory provisioner = nullptr;
  PostProcessorFactory post_processor = nullptr;
};

constexpr Entry kBuilders[] = {
    {"amazon-ebs", builders::amazon_ebs::Options, builders::amazon_ebs::MakeBuilder},
    {"docker", builders::docker::Options, builders::docker::MakeBuilder},
    {"file", builders::file::Options, builders::file::MakeBuilder},
    {"null", builders::null::Options, builders::null::MakeBuilder},
    {"qemu", builders::qemu::Options},
};

constexpr Entry kProvisioners[] = {
    {"ansible", provisioners::ansible::Options},
    {"breakpoint", provisioners::breakpoint::Options, nullptr, provisioners::breakpoint::MakeBreakpoint},
    {"file", provisioners::file::Options, nullptr, provisioners::file::MakeFile},
    {"shell", provisioners::shell::Options, nullptr, provisioners::shell::MakeShell},
    {"shell-local", provisioners::shell_local::Options, nullptr, provisioners::shell_local::MakeShellLocal},
};

constexpr Entry kPostProcessors[] = {
    {"artifice", postprocessors::artifice::Options, nullptr, nullptr, postprocessors::artifice::MakeArtifice},
    {"checksum", postprocessors::checksum::Options, nullptr, nullptr, postprocessors::checksum::MakeChecksum},
    {"compress", postprocessors::compress::Options, nullptr, nullptr, postprocessors::compress::MakeCompress},
    {"docker-import", postprocessors::docker_import::Options, nullptr, nullptr, postprocessors::docker_import::MakeDockerImport},
    {"docker-push", postprocessors::docker_push::Options, nullptr, nullptr, postprocessors::docker_push::MakeDockerPush},
    {"docker-save", postprocessors::docker_save::Options, nullptr, nullptr, postprocessors::docker_save::MakeDockerSave},
    {"docker-tag", postprocessors::docker_tag::Options, nullptr, nullptr, postprocessors::docker_tag::MakeDockerTag},
    {"manifest", postprocessors::manifest::Options, nullptr, nullptr, postprocessors::manifest::MakeManifest},
    {"shell-local", postprocessors::shell_local::Options, nullptr, nullptr,
     postprocessors::shell_local::MakeShellLocal},
};

std::span<const Entry> Table(Kind kind) {
  switch (kind) {
    case Kind::kBuilder: return kBuilders;
    case Kind::kProvisioner: return kProvisioners;
    case Kind::kPostProcessor: return kPostProcessors;
  }
  return {};
}

template <typename Factory>
auto Make(Kind kind, Factory Entry::*factory, std::string_view what, std::string_view type,
          const tmpl::DecodedConfig& config) -> decltype((*(Factory{}))(config)) {
  for (const Entry& e : Table(kind)) {
    if (e.type != type) continue;
    if (!(e.*factory))
      return std::unexpected(MakeError(fmt::format("kiln cannot run {} '{}' yet", what, type),
                                       "it validates such templates; running them comes in a later release"));
    return (e.*factory)(config);
  }
  return std::unexpected(MakeError(fmt::format("unknown {} type '{}'", what, type)));
}

}  // namespace

Result<std::unique_ptr<engine::Builder>> MakeBuilder(std::string_view type, const tmpl::DecodedConfig& config) {
  return Make(Kind::kBuilder, &Entry::builder, "builder", type, config);
}
Result<std::unique_ptr<engine::Provisioner>> MakeProvisioner(std::string_view type,
                                                             const tmpl::DecodedConfig& config) {
  return Make(Kind::kProvisioner, &Entry::provisioner, "provisioner", type, config);
}
Result<std::unique_ptr<engine::PostProcessor>> MakePostProcessor(std::string_view type,
                                                                 const tmpl::DecodedConfig& config) {
  return Make(Kind::kPostProcessor, &Entry::post_processor, "post-processor", type, config);
}

const tmpl::Schema* FindSchema(Kind kind, std::string_view type) {
  for (const Entry& e : Table(kind))
    if (e.type == type) return &e.options();
  return nullptr;
}

std::vector<std::string> KnownTypes(Kind kind) {
  std::vector<std::string> names;
  for (const Entry& e : Table(kind)) names.emplace_back(e.type);
  std::ranges::sort(names);
  return names;
}

}  // namespace kiln::catalog
