#include "clients/docker/container_lease.h"

namespace kiln::clients::docker {

ContainerLease& ContainerLease::operator=(ContainerLease&& other) noexcept {
  if (this != &other) {
    (void)Reset();
    api_ = std::move(other.api_);
    id_ = std::exchange(other.id_, {});
  }
  return *this;
}

Result<ContainerLease> ContainerLease::Start(std::shared_ptr<DockerApi> api, const ContainerConfig& config) {
  Result<std::string> id = api->ContainerCreate(config);
  if (!id) return std::unexpected(id.error());
  ContainerLease lease(std::move(api), std::move(*id));
  if (Result<void> started = lease.api_->ContainerStart(lease.id_); !started) return std::unexpected(started.error());
  return lease;
}

Result<void> ContainerLease::Reset() {
  if (id_.empty()) return {};
  return api_->ContainerRemove(std::exchange(id_, {}), /*force=*/true, /*remove_volumes=*/true);
}

}  // namespace kiln::clients::docker
