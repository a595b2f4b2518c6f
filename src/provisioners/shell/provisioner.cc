#include "provisioners/shell/provisioner.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <streambuf>
#include <system_error>

#include "interpolate/engine.h"
#include "interpolate/go_fmt.h"
#include "ui/output.h"
#include "ui/ui.h"
#include "util/files.h"
#include "util/go_duration.h"
#include "util/temp_dir.h"

namespace kiln::provisioners::shell {
namespace {

Result<std::chrono::nanoseconds> Duration(const tmpl::DecodedConfig& c, std::string_view name) {
  std::string text = c.String(name);
  if (text.empty()) return std::chrono::nanoseconds(0);
  std::optional<std::chrono::nanoseconds> d = ParseGoDuration(text);
  if (!d)
    return std::unexpected(MakeError(c.At(name), fmt::format("{} '{}' is not a duration", name, text),
                                     "write it as Go does: 30s, 5m, 1h30m"));
  return *d;
}

std::string EscapeSingleQuotes(std::string_view value) {
  std::string out;
  for (char ch : value) {
    if (ch == '\'')
      out += "'\"'\"'";
    else
      out += ch;
  }
  return out;
}

// A never-cancelled token for contexts built without one (tests, tools).
const CancelToken& TokenOf(const engine::BuildContext& ctx) {
  static const CancelToken kNever;
  return ctx.cancel != nullptr ? *ctx.cancel : kNever;
}

Error Cancelled(std::string_view what) { return MakeError(fmt::format("{}: cancelled", what)); }

// Reads a script as Packer's UnixReader does: "\r\n" becomes "\n" and a
// '\r' at the very end is dropped, so a script saved on Windows still runs.
// Streams in chunks; a '\r' at the end of one chunk waits for the next.
class UnixLinesBuf : public std::streambuf {
 public:
  explicit UnixLinesBuf(std::istream& in) : in_(in) {}

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    while (!eof_) {
      in_.read(raw_, kChunk);
      std::size_t got = static_cast<std::size_t>(in_.gcount());
      if (got == 0) {
        eof_ = true;  // a held '\r' at the end is dropped
        break;
      }
      std::size_t n = 0;
      for (std::size_t i = 0; i < got; ++i) {
        char ch = raw_[i];
        if (held_cr_) {
          held_cr_ = false;
          if (ch != '\n') out_[n++] = '\r';
        }
        if (ch == '\r')
          held_cr_ = true;
        else
          out_[n++] = ch;
      }
      if (n == 0) continue;
      setg(out_, out_, out_ + n);
      return traits_type::to_int_type(*gptr());
    }
    return traits_type::eof();
  }

 private:
  static constexpr std::size_t kChunk = 64 * 1024;
  std::istream& in_;
  char raw_[kChunk];
  char out_[kChunk + 1];  // room for a '\r' held from the previous chunk
  bool held_cr_ = false;
  bool eof_ = false;
};

// Scripts up to this size are handed to the communicator whole, to be
// written and run in one round trip.
constexpr std::uint64_t kSmallScript = 64 * 1024;

// A local file opened for upload: the stream the communicator reads and the
// number of bytes it will yield.
class ScriptReader {
  struct PrivateTag {};  // only Open makes one

 public:
  ScriptReader(PrivateTag, std::string path, bool binary)
      : path_(std::move(path)), binary_(binary), file_(path_, std::ios::binary) {}
  static Result<std::unique_ptr<ScriptReader>> Open(const std::string& path, bool binary) {
    // A FIFO would block the open forever: refuse anything but a file.
    if (Result<UniqueFd> regular = OpenRegularFile(path); !regular) return std::unexpected(regular.error());
    auto r = std::make_unique<ScriptReader>(PrivateTag{}, path, binary);
    if (!r->file_) return std::unexpected(MakeError(fmt::format("cannot open {}", path), std::strerror(errno)));
    if (Result<void> sized = r->Rewind(); !sized) return std::unexpected(sized.error());
    return r;
  }

  // Back to the start (for a retry), recomputing the size: with line ending
  // conversion that takes one pass over the file, never holding it whole.
  Result<void> Rewind() {
    if (binary_) {
      std::error_code ec;
      size_ = std::filesystem::file_size(path_, ec);
      if (ec) return std::unexpected(MakeError(fmt::format("cannot read {}", path_), ec.message()));
      file_.clear();
      file_.seekg(0);
      stream_ = &file_;
      return {};
    }
    Reset();
    size_ = 0;
    char buf[64 * 1024];
    while (stream_->read(buf, sizeof buf) || stream_->gcount() > 0) size_ += stream_->gcount();
    if (file_.bad()) return std::unexpected(MakeError(fmt::format("cannot read {}", path_), std::strerror(errno)));
    Reset();
    return {};
  }

  engine::UploadSource Source(std::uint32_t mode) { return {.stream = stream_, .size = size_, .mode = mode}; }

  // The whole (converted) script when it is at most `limit` bytes, read from
  // the start; nullopt for a bigger one. Rewind() before reading again.
  std::optional<std::string> ReadSmall(std::uint64_t limit) {
    if (size_ > limit) return std::nullopt;
    std::string contents(std::istreambuf_iterator<char>(*stream_), {});
    if (contents.size() != size_) {  // changed under us: stream it instead
      (void)Rewind();
      return std::nullopt;
    }
    return contents;
  }

 private:
  void Reset() {
    file_.clear();
    file_.seekg(0);
    filter_.emplace(file_);
    filtered_.emplace(&*filter_);
    stream_ = &*filtered_;
  }

  std::string path_;
  bool binary_;
  std::ifstream file_;
  std::optional<UnixLinesBuf> filter_;
  std::optional<std::istream> filtered_;
  std::istream* stream_ = nullptr;
  std::uint64_t size_ = 0;
};

// Packer's retry.Config{StartTimeout}: run `attempt` until it succeeds,
// stops asking for retries, the timeout passes (then its last error is
// returned) or the build is cancelled.
struct Attempt {
  Result<void> result;
  bool retry = true;  // false: the error is final
};

Result<void> Retry(const Config& config, const engine::BuildContext& ctx, std::string_view what,
                   const std::function<Attempt()>& attempt) {
  const CancelToken& cancel = TokenOf(ctx);
  auto deadline = std::chrono::steady_clock::now() + config.start_retry_timeout;
  for (;;) {
    Attempt a = attempt();
    if (a.result || !a.retry) return a.result;
    if (cancel.cancelled()) return std::unexpected(Cancelled(what));
    if (std::chrono::steady_clock::now() + config.retry_delay > deadline) return a.result;
    ui::Log("shell: {} failed, retrying: {}", what, a.result.error().Message());
    if (!cancel.SleepFor(config.retry_delay)) return std::unexpected(Cancelled(what));
  }
}

// Runs a housekeeping command (rm -f) with retries, since after a reboot
// the machine may take a while to come back.
Result<void> RemoveRemote(const Config& config, engine::BuildContext& ctx, engine::Communicator& comm,
                          const std::string& path) {
  return Retry(config, ctx, fmt::format("removing {}", path), [&]() -> Attempt {
    engine::RemoteCommand cmd{.command = fmt::format("rm -f {}", path)};
    Result<int> status = comm.Run(cmd, TokenOf(ctx));
    if (!status)
      return {
          std::unexpected(MakeError(fmt::format("cannot remove {} from the machine", path), status.error().Message()))};
    if (*status == kDisconnectStatus)
      return {
          std::unexpected(MakeError(fmt::format("cannot remove {} from the machine", path), "the connection dropped"))};
    if (*status != 0)
      return {std::unexpected(MakeError(fmt::format("cannot remove {} from the machine", path),
                                        fmt::format("rm -f exited with status {}", *status))),
              false};
    return {};
  });
}

// `command`, then removal of the script it ran, keeping the command's exit
// status.
std::string FoldCleanup(const std::string& command, const std::string& path) {
  return fmt::format("{}\n__kiln_status=$?; rm -f {}; exit $__kiln_status", command, path);
}

std::string RandomRemoteName(std::string_view stem) {
  static std::mutex mu;
  static std::mt19937 rng{std::random_device{}()};
  std::lock_guard lock(mu);
  return fmt::format("{}_{}.sh", stem, std::uniform_int_distribution<int>(0, 9998)(rng));
}

}  // namespace

Result<Config> Prepare(const tmpl::DecodedConfig& c) {
  Config config;
  config.inline_commands = c.Strings("inline");
  if (c.Given("script")) config.scripts.push_back(c.String("script"));
  for (std::string& s : c.Strings("scripts")) config.scripts.push_back(std::move(s));
  config.binary = c.Bool("binary");
  config.environment_vars = c.Strings("environment_vars");
  if (c["env"].is_object())
    for (const auto& [k, v] : c["env"].items())
      if (v.is_string()) config.env[k] = v.get<std::string>();
  config.use_env_var_file = c.Bool("use_env_var_file");
  // With use_env_var_file, Packer's defaults source the file instead.
  config.env_var_format =
      config.use_env_var_file && !c.IsSet("env_var_format") ? "export %s='%s'\n" : c.String("env_var_format");
  config.execute_command = config.use_env_var_file && !c.IsSet("execute_command")
                               ? "chmod +x {{.Path}}; . {{.EnvVarFile}} && {{.Path}}"
                               : c.String("execute_command");
  config.inline_shebang = c.String("inline_shebang");
  config.remote_folder = c.String("remote_folder");
  config.remote_file = c.Given("remote_file") ? c.String("remote_file") : RandomRemoteName("script");
  config.remote_path = c.Given("remote_path") ? c.String("remote_path")
                                              : fmt::format("{}/{}", config.remote_folder, config.remote_file);
  config.expect_disconnect = c.Bool("expect_disconnect");
  config.valid_exit_codes.clear();
  for (const nlohmann::json& v : c["valid_exit_codes"])
    if (v.is_number_integer()) config.valid_exit_codes.push_back(v.get<int>());
  if (config.valid_exit_codes.empty()) config.valid_exit_codes = {0};
  config.skip_clean = c.Bool("skip_clean");
  Result<std::chrono::nanoseconds> retry = Duration(c, "start_retry_timeout");
  if (!retry) return std::unexpected(retry.error());
  config.start_retry_timeout = *retry;
  Result<std::chrono::nanoseconds> pause = Duration(c, "pause_after");
  if (!pause) return std::unexpected(pause.error());
  config.pause_after = *pause;
  config.pause_after_text = c.String("pause_after");
  return config;
}

Result<std::unique_ptr<engine::Provisioner>> MakeShell(const tmpl::DecodedConfig& config) {
  Result<Config> c = Prepare(config);
  if (!c) return std::unexpected(c.error());
  return std::make_unique<ShellProvisioner>(std::move(*c));
}

std::map<std::string, std::string> EnvVars(const engine::BuildContext& ctx,
                                           const std::vector<std::string>& environment_vars,
                                           const std::map<std::string, std::string>& env, bool raw) {
  auto escape = [raw](std::string_view value) { return raw ? std::string(value) : EscapeSingleQuotes(value); };
  std::map<std::string, std::string> vars;
  vars["PACKER_BUILD_NAME"] = ctx.build_name.empty() ? ctx.interp.build_name : ctx.build_name;
  vars["PACKER_BUILDER_TYPE"] = ctx.build_type.empty() ? ctx.interp.build_type : ctx.build_type;
  // Builders without an HTTP server leave these unset (Packer stores an
  // "ERR_..._NOT_IMPLEMENTED" placeholder; treat that as unset too).
  static constexpr std::pair<std::string_view, std::string_view> kHttp[] = {{"PackerHTTPAddr", "PACKER_HTTP_ADDR"},
                                                                            {"PackerHTTPIP", "PACKER_HTTP_IP"},
                                                                            {"PackerHTTPPort", "PACKER_HTTP_PORT"}};
  if (ctx.interp.build_values)
    for (const auto& [key, name] : kHttp) {
      auto it = ctx.interp.build_values->find(std::string(key));
      if (it != ctx.interp.build_values->end() && !it->second.empty() && !it->second.starts_with("ERR_"))
        vars[std::string(name)] = it->second;
    }
  for (const std::string& entry : environment_vars) {
    std::size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;  // rejected when the template was checked
    vars[entry.substr(0, eq)] = escape(std::string_view(entry).substr(eq + 1));
  }
  for (const auto& [name, value] : env) vars[name] = escape(value);
  return vars;
}

std::string FlattenEnvVars(const std::map<std::string, std::string>& vars, std::string_view format) {
  std::string out;
  for (const auto& [name, value] : vars) {  // std::map: sorted by name, as Packer sorts
    interpolate::Value args[] = {name, value};
    out += interpolate::Sprintf(format, args);
  }
  return out;
}

std::string CleanOutputLine(std::string_view line) {
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
  if (std::size_t cr = line.rfind('\r'); cr != std::string_view::npos) line.remove_prefix(cr + 1);
  return std::string(line);
}

std::string JoinCodes(const std::vector<int>& codes) {
  std::string out;
  for (int code : codes) out += (out.empty() ? "" : ", ") + std::to_string(code);
  return out;
}

Result<std::string> RenderWithData(std::string_view text, const engine::BuildContext& ctx,
                                   std::map<std::string, std::string> data) {
  interpolate::Context ic = ctx.interp;
  if (ic.build_values)
    for (const auto& [k, v] : *ic.build_values) data.emplace(k, v);  // own fields win
  ic.data = std::move(data);
  return interpolate::Render(text, ic);
}

Result<void> WriteInlineScript(const std::string& path, std::string_view shebang,
                               const std::vector<std::string>& commands, const engine::BuildContext& ctx) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return std::unexpected(MakeError(fmt::format("cannot write {}", path), std::strerror(errno)));
  if (!shebang.empty()) out << "#!" << shebang << "\n";
  for (const std::string& command : commands) {
    // {{build `ID`}} and the like were left for now, when the machine exists.
    std::string line = command;
    if (interpolate::HasActions(command)) {
      Result<std::string> rendered = RenderWithData(command, ctx, {});
      if (!rendered)
        return std::unexpected(MakeError(fmt::format("inline command '{}'", command), rendered.error().Message()));
      line = std::move(*rendered);
    }
    out << line << "\n";
  }
  out.close();
  if (!out) return std::unexpected(MakeError(fmt::format("cannot write {}", path), std::strerror(errno)));
  return {};
}

Result<void> ShellProvisioner::Provision(engine::BuildContext& ctx, engine::Communicator& comm) {
  ui::Ui& ui = *ctx.ui;
  const CancelToken& cancel = TokenOf(ctx);

  // Inline commands become one temporary script, removed when we return.
  std::vector<std::string> scripts = config_.scripts;
  TempFile inline_script;
  bool is_inline = scripts.empty();
  if (is_inline) {
    Result<TempFile> tf = TempFile::Create("packer-shell");
    if (!tf) return std::unexpected(tf.error());
    inline_script = std::move(*tf);
    Result<void> written =
        WriteInlineScript(inline_script.path().string(), config_.inline_shebang, config_.inline_commands, ctx);
    if (!written) return written;
    scripts.push_back(inline_script.path().string());
  }

  // With the default command the variables travel in the command's
  // environment, never on a command line (where `ps` on the host, for a
  // container, or on the machine would show them); {{.Vars}} is then empty.
  const bool vars_in_env = !config_.use_env_var_file && config_.execute_command == kDefaultExecuteCommand &&
                           config_.env_var_format == kDefaultEnvVarFormat;
  std::map<std::string, std::string> env_for_command;
  std::string flattened;
  if (vars_in_env)
    env_for_command = EnvVars(ctx, config_.environment_vars, config_.env, /*raw=*/true);
  else
    flattened = FlattenEnvVars(EnvVars(ctx, config_.environment_vars, config_.env), config_.env_var_format);

  // use_env_var_file: the assignments go to a file on the machine that
  // execute_command sources ({{.EnvVarFile}}).
  std::string env_var_file;
  if (config_.use_env_var_file) {
    env_var_file = fmt::format("{}/{}", config_.remote_folder, RandomRemoteName("varfile"));
    Result<void> uploaded = Retry(config_, ctx, "uploading the environment file", [&]() -> Attempt {
      std::istringstream in(flattened);
      Result<void> r = comm.Upload(env_var_file, {.stream = &in, .size = flattened.size(), .mode = 0600}, cancel);
      if (!r)
        return {std::unexpected(
            MakeError(fmt::format("cannot upload the environment file to {}", env_var_file), r.error().Message()))};
      return {};
    });
    if (!uploaded) return uploaded;
  }

  for (const std::string& path : scripts) {
    if (cancel.cancelled()) return std::unexpected(Cancelled("shell provisioner"));
    ui.Say(fmt::format("Provisioning with shell script: {}", path));
    std::string label = is_inline ? std::string("inline script") : fmt::format("script {}", path);

    Result<std::string> command =
        RenderWithData(config_.execute_command, ctx,
                       {{"Path", config_.remote_path}, {"Vars", flattened}, {"EnvVarFile", env_var_file}});
    if (!command) return std::unexpected(MakeError("cannot render execute_command", command.error().Message()));

    Result<std::unique_ptr<ScriptReader>> reader = ScriptReader::Open(path, config_.binary);
    if (!reader) return std::unexpected(reader.error());

    // Upload and run in one retried unit: if the machine reboots between
    // the two, the upload is repeated rather than running a missing file.
    int status = 0;
    bool disconnected = false;
    // Removing the script in the same command saves a round trip per script
    // (a docker exec costs ~60 ms); a machine about to reboot gets its own
    // rm afterwards instead.
    const bool fold_cleanup = !config_.skip_clean && !config_.expect_disconnect;
    Result<void> ran = Retry(config_, ctx, fmt::format("running {}", label), [&]() -> Attempt {
      if (Result<void> r = (*reader)->Rewind(); !r) return {r, false};
      auto upload_failed = [&](const Error& e) -> Attempt {
        return {std::unexpected(
            MakeError(fmt::format("cannot upload {} to {}", label, config_.remote_path), e.Message()))};
      };
      // Small scripts travel with the command that runs them (one round
      // trip on docker); big ones are streamed first.
      std::optional<std::string> small = (*reader)->ReadSmall(kSmallScript);
      if (!small) {
        Result<void> up = comm.Upload(config_.remote_path, (*reader)->Source(0755), cancel);
        if (!up) return upload_failed(up.error());
      }
      std::atomic<bool> started{false};  // any output: the command did run
      engine::RemoteCommand cmd{
          .command = fold_cleanup ? FoldCleanup(*command, config_.remote_path) : *command,
          .on_stdout =
              [&](std::string_view line) {
                started = true;
                ui.Message(CleanOutputLine(line));
              },
          .on_stderr =
              [&](std::string_view line) {
                started = true;
                ui.Error(CleanOutputLine(line));
              },
          .env = env_for_command,
      };
      Result<int> r;
      if (small) {
        std::expected<int, engine::ScriptError> ran = comm.UploadAndRun(config_.remote_path, *small, 0755, cmd, cancel);
        if (!ran && ran.error().during_upload) return upload_failed(ran.error().error);
        r = ran ? Result<int>(*ran) : std::unexpected(ran.error().error);
      } else {
        r = comm.Run(cmd, cancel);
      }
      if (!r) {
        if (cancel.cancelled()) return {std::unexpected(Cancelled(label)), false};
        // The communicator cannot tell "could not start" from "the machine
        // went away mid-run": with expect_disconnect both are the reboot
        // the user announced; otherwise retry only if nothing ran yet.
        if (config_.expect_disconnect) {
          disconnected = true;
          return {};
        }
        return {std::unexpected(MakeError(fmt::format("{} failed on the machine", label),
                                          fmt::format("{}; if the script restarts the machine, set "
                                                      "\"expect_disconnect\": true",
                                                      r.error().Message()))),
                !started};
      }
      status = *r;
      return {};
    });
    if (!ran) return ran;

    if (disconnected || status == kDisconnectStatus) {
      if (!config_.expect_disconnect &&
          std::ranges::find(config_.valid_exit_codes, kDisconnectStatus) == config_.valid_exit_codes.end())
        return std::unexpected(MakeError(fmt::format("{} disconnected unexpectedly", label),
                                         "if the script restarts the machine, set \"expect_disconnect\": true"));
      ui.Message(fmt::format("{} disconnected, as expect_disconnect allows", label));
    } else if (std::ranges::find(config_.valid_exit_codes, status) == config_.valid_exit_codes.end()) {
      return std::unexpected(MakeError(
          fmt::format("{} exited with status {} (allowed: {})", label, status, JoinCodes(config_.valid_exit_codes)),
          fmt::format("it ran on the machine as {}; its output is above. If {} means success there, add it to "
                      "valid_exit_codes",
                      config_.remote_path, status)));
    }

    if (!config_.skip_clean && !fold_cleanup)
      if (Result<void> removed = RemoveRemote(config_, ctx, comm, config_.remote_path); !removed) return removed;
  }

  if (!config_.skip_clean && !env_var_file.empty())
    if (Result<void> removed = RemoveRemote(config_, ctx, comm, env_var_file); !removed) return removed;

  if (config_.pause_after.count() > 0) {
    ui.Say(fmt::format("Pausing {} after this provisioner...", config_.pause_after_text));
    if (!cancel.SleepFor(config_.pause_after)) return std::unexpected(Cancelled("shell provisioner"));
  }
  return {};
}

}  // namespace kiln::provisioners::shell
