// Exec: create, start (streaming the demultiplexed output), inspect.
#include <fmt/format.h>

#include "clients/docker/engine_client.h"
#include "clients/docker/engine_internal.h"
#include "clients/docker/stream_demux.h"

namespace kiln::clients::docker {

using namespace internal;  // NOLINT: the engine_*.cc helpers

Result<std::string> EngineClient::ExecCreate(const std::string& container, const ExecConfig& config) {
  nlohmann::json body = {
      {"AttachStdin", false}, {"AttachStdout", config.attach_stdout}, {"AttachStderr", config.attach_stderr},
      {"Tty", false},         {"Privileged", config.privileged},      {"Cmd", config.cmd}};
  if (!config.user.empty()) body["User"] = config.user;
  if (!config.env.empty()) body["Env"] = config.env;
  if (!config.working_dir.empty()) body["WorkingDir"] = config.working_dir;
  Result<nlohmann::json> j =
      CallJson(transport_, fmt::format("docker exec {}", Short(container)),
               JsonRequest("POST", fmt::format("/containers/{}/exec", PathEscape(container)), body));
  if (!j) return std::unexpected(j.error());
  return Str(*j, "Id");
}

Result<void> EngineClient::ExecStart(const std::string& exec_id, const ExecStreams& streams,
                                     const CancelToken& cancel) {
  std::string summary = fmt::format("docker exec {}", Short(exec_id));
  // Without "Upgrade: tcp" the engine still hijacks the connection but
  // answers a plain "200 OK" and closes it when the process's output ends:
  // an ordinary read-until-close body for curl, no protocol switch.
  HttpRequest request = JsonRequest("POST", fmt::format("/exec/{}/start", PathEscape(exec_id)),
                                    nlohmann::json{{"Detach", false}, {"Tty", false}});
  ExecOutputDecoder decoder(streams.on_stdout, streams.on_stderr);
  request.on_body = [&decoder, &summary](std::string_view bytes) -> Result<void> {
    if (!decoder.Feed(bytes)) return std::unexpected(MakeError(summary, "the engine's output stream is garbled"));
    return {};
  };
  Result<HttpResponse> r = Call(transport_, summary, std::move(request), cancel);
  decoder.Finish();  // partial lines, even after a failure: they may say why
  if (!r) return std::unexpected(r.error());
  if (!decoder.system_error().empty()) return std::unexpected(MakeError(summary, decoder.system_error()));
  return {};
}

Result<ExecState> EngineClient::ExecInspect(const std::string& exec_id) {
  Result<nlohmann::json> j = CallJson(transport_, fmt::format("docker exec inspect {}", Short(exec_id)),
                                      Request("GET", fmt::format("/exec/{}/json", PathEscape(exec_id))));
  if (!j) return std::unexpected(j.error());
  return ExecState{.running = Bool(*j, "Running"),
                   .exit_code = static_cast<int>(Int(*j, "ExitCode")),
                   .pid = static_cast<int>(Int(*j, "Pid"))};
}

}  // namespace kiln::clients::docker
