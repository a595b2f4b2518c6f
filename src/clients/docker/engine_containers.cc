// Containers: create, start, kill, remove, inspect, list, export.
#include <fmt/format.h>

#include "clients/docker/engine_client.h"
#include "clients/docker/engine_internal.h"
#include "json/value.h"

namespace kiln::clients::docker {

using namespace internal;  // NOLINT: the engine_*.cc helpers

namespace {

nlohmann::json CreateBody(const ContainerConfig& c) {
  nlohmann::json host = {{"Privileged", c.host.privileged}};
  if (!c.host.binds.empty()) host["Binds"] = c.host.binds;
  if (!c.host.cap_add.empty()) host["CapAdd"] = c.host.cap_add;
  if (!c.host.cap_drop.empty()) host["CapDrop"] = c.host.cap_drop;
  if (!c.host.tmpfs.empty()) host["Tmpfs"] = c.host.tmpfs;
  if (!c.host.runtime.empty()) host["Runtime"] = c.host.runtime;
  if (!c.host.network_mode.empty()) host["NetworkMode"] = c.host.network_mode;
  if (!c.host.devices.empty()) {
    nlohmann::json devices = nlohmann::json::array();
    for (const DeviceMapping& d : c.host.devices)
      devices.push_back({{"PathOnHost", d.path_on_host},
                         {"PathInContainer", d.path_in_container},
                         {"CgroupPermissions", d.cgroup_permissions}});
    host["Devices"] = std::move(devices);
  }
  nlohmann::json body = {
      {"Image", c.image},      {"Tty", c.tty},          {"OpenStdin", c.open_stdin}, {"AttachStdin", false},
      {"AttachStdout", false}, {"AttachStderr", false}, {"StdinOnce", false},        {"HostConfig", std::move(host)}};
  if (c.cmd) body["Cmd"] = *c.cmd;
  if (c.entrypoint) {
    // [] alone would mean "keep the image's"; [""] is how docker resets it.
    body["Entrypoint"] = c.entrypoint->empty() ? std::vector<std::string>{""} : *c.entrypoint;
  }
  if (!c.env.empty()) body["Env"] = c.env;
  if (!c.user.empty()) body["User"] = c.user;
  if (!c.working_dir.empty()) body["WorkingDir"] = c.working_dir;
  if (!c.labels.empty()) body["Labels"] = c.labels;
  return body;
}

}  // namespace

Result<std::string> EngineClient::ContainerCreate(const ContainerConfig& config) {
  HttpRequest request = JsonRequest("POST", "/containers/create", CreateBody(config));
  if (!config.name.empty()) request.query.emplace_back("name", config.name);
  if (!config.platform.empty()) request.query.emplace_back("platform", config.platform);
  Result<nlohmann::json> j = CallJson(transport_, fmt::format("docker create {}", config.image), std::move(request));
  if (!j) return std::unexpected(j.error());
  return Str(*j, "Id");
}

Result<void> EngineClient::ContainerStart(const std::string& container) {
  // 304 (already started) is not an error: Call only fails on >= 400.
  Result<HttpResponse> r = Call(transport_, fmt::format("docker start {}", Short(container)),
                                Request("POST", fmt::format("/containers/{}/start", PathEscape(container))));
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<void> EngineClient::ContainerKill(const std::string& container, const std::string& signal) {
  HttpRequest request = Request("POST", fmt::format("/containers/{}/kill", PathEscape(container)));
  if (!signal.empty()) request.query.emplace_back("signal", signal);
  Result<HttpResponse> r = Call(transport_, fmt::format("docker kill {}", Short(container)), std::move(request));
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<void> EngineClient::ContainerRemove(const std::string& container, bool force, bool remove_volumes) {
  HttpRequest request = Request("DELETE", fmt::format("/containers/{}", PathEscape(container)));
  request.query = {{"force", force ? "1" : "0"}, {"v", remove_volumes ? "1" : "0"}};
  Result<HttpResponse> r = Call(transport_, fmt::format("docker rm {}", Short(container)), std::move(request));
  if (!r) return std::unexpected(r.error());
  return {};
}

Result<ContainerInfo> EngineClient::ContainerInspect(const std::string& container) {
  Result<nlohmann::json> j = CallJson(transport_, fmt::format("docker inspect {}", Short(container)),
                                      Request("GET", fmt::format("/containers/{}/json", PathEscape(container))));
  if (!j) return std::unexpected(j.error());
  ContainerInfo info{.id = Str(*j, "Id"), .name = Str(*j, "Name"), .image = Str(*j, "Image")};
  if (auto s = j->find("State"); s != j->end() && s->is_object()) {
    info.status = Str(*s, "Status");
    info.running = Bool(*s, "Running");
    info.exit_code = static_cast<int>(Int(*s, "ExitCode"));
    info.pid = static_cast<int>(Int(*s, "Pid"));
  }
  if (auto c = j->find("Config"); c != j->end() && c->is_object()) info.labels = StringMap(*c, "Labels");
  if (auto n = j->find("NetworkSettings"); n != j->end() && n->is_object()) info.ip_address = Str(*n, "IPAddress");
  return info;
}

Result<std::vector<ContainerSummary>> EngineClient::ContainerList(const std::vector<std::string>& labels, bool all) {
  HttpRequest request = Request("GET", "/containers/json");
  request.query = {{"all", all ? "1" : "0"}};
  if (!labels.empty()) request.query.emplace_back("filters", json::Dump(nlohmann::json{{"label", labels}}));
  Result<nlohmann::json> j = CallJson(transport_, "docker ps", std::move(request));
  if (!j) return std::unexpected(j.error());
  std::vector<ContainerSummary> out;
  if (!j->is_array()) return out;
  for (const nlohmann::json& c : *j)
    out.push_back({.id = Str(c, "Id"),
                   .names = Strings(c, "Names"),
                   .image = Str(c, "Image"),
                   .state = Str(c, "State"),
                   .labels = StringMap(c, "Labels")});
  return out;
}

Result<void> EngineClient::ContainerExport(const std::string& container, std::ostream& out, const CancelToken& cancel) {
  std::string summary = fmt::format("docker export {}", Short(container));
  HttpRequest request = Request("GET", fmt::format("/containers/{}/export", PathEscape(container)));
  request.on_body = OstreamSink(out, "the exported container");
  Result<HttpResponse> r = Call(transport_, summary, std::move(request), cancel);
  if (!r) return std::unexpected(r.error());
  return {};
}

}  // namespace kiln::clients::docker
