// ContainerLease: the one owner of a container on an engine. Reset (and the
// destructor) kills the container and removes it with its anonymous
// volumes; Release lets go of it without removing it (-on-error=abort leaves
// it to the user). Move-only; an empty lease owns nothing.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "clients/docker/docker_api.h"

namespace kiln::clients::docker {

class ContainerLease {
 public:
  ContainerLease() = default;
  ContainerLease(std::shared_ptr<DockerApi> api, std::string id) : api_(std::move(api)), id_(std::move(id)) {}
  ContainerLease(ContainerLease&& other) noexcept
      : api_(std::move(other.api_)), id_(std::exchange(other.id_, {})) {}
  ContainerLease& operator=(ContainerLease&& other) noexcept;
  ContainerLease(const ContainerLease&) = delete;
  ContainerLease& operator=(const ContainerLease&) = delete;
  ~ContainerLease() { (void)Reset(); }

  // Creates and starts a container from `config`. One that was created but
  // failed to start is removed at once: it never ran, so it is not worth a
  // leftover.
  static Result<ContainerLease> Start(std::shared_ptr<DockerApi> api, const ContainerConfig& config);

  const std::string& id() const { return id_; }
  bool empty() const { return id_.empty(); }

  // Kills (if running) and removes the container; the lease is empty
  // afterwards even when the engine refused, so a second call is a no-op.
  Result<void> Reset();
  // The container's id; the lease no longer owns it.
  std::string Release() { return std::exchange(id_, {}); }

 private:
  std::shared_ptr<DockerApi> api_;
  std::string id_;
};

}  // namespace kiln::clients::docker
