#include "clients/docker/docker_api.h"

#include <fmt/format.h>

#include <chrono>

#include "clients/docker/engine_internal.h"

namespace kiln::clients::docker {

int HttpStatus(const Error& error) {
  // EngineClient writes "<status>: <engine message>" into detail.
  const std::string& d = error.detail;
  if (d.size() < 4 || d[3] != ':') return 0;
  int status = 0;
  for (int i = 0; i < 3; ++i) {
    if (d[i] < '0' || d[i] > '9') return 0;
    status = status * 10 + (d[i] - '0');
  }
  return status;
}

const CancelToken& NeverCancelled() {
  static const CancelToken never;
  return never;
}

DeviceMapping ParseDeviceMapping(std::string_view spec) {
  DeviceMapping m;
  size_t first = spec.find(':');
  m.path_on_host = spec.substr(0, first);
  m.path_in_container = m.path_on_host;
  if (first == std::string_view::npos) return m;
  std::string_view rest = spec.substr(first + 1);
  size_t second = rest.find(':');
  m.path_in_container = rest.substr(0, second);
  if (second != std::string_view::npos) m.cgroup_permissions = rest.substr(second + 1);
  return m;
}

Result<int> RunExec(DockerApi& api, const std::string& container, const ExecConfig& config, const ExecStreams& streams,
                    const CancelToken& cancel) {
  Result<std::string> id = api.ExecCreate(container, config);
  if (!id) return std::unexpected(id.error());
  if (Result<void> r = api.ExecStart(*id, streams, cancel); !r) {
    // Name the container, which the user knows, rather than the exec id.
    Error e = r.error();
    e.summary = fmt::format("docker exec {}", internal::Short(container));
    return std::unexpected(std::move(e));
  }
  // The output ends when the process closes it; the engine records the exit
  // code a moment later, so poll briefly.
  auto delay = std::chrono::milliseconds(5);
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);;) {
    Result<ExecState> state = api.ExecInspect(*id);
    if (!state) return std::unexpected(state.error());
    if (!state->running) return state->exit_code;
    if (std::chrono::steady_clock::now() > deadline)
      return std::unexpected(MakeError(fmt::format("docker exec {}", internal::Short(container)),
                                       "the command closed its output but has not exited after 30s"));
    if (!cancel.SleepFor(delay))
      return std::unexpected(MakeError(fmt::format("docker exec {}", internal::Short(container)), "cancelled"));
    delay = std::min(delay * 2, std::chrono::milliseconds(200));
  }
}

}  // namespace kiln::clients::docker
