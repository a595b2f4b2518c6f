// The docker builder's options as typed values, read from options decoded
// against Options(). run_command is turned into a container spec here, so a
// bad flag fails before anything starts.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "template/schema.h"
#include "util/error.h"

namespace kiln::builders::docker {

// What `docker run` flags in run_command amount to. kiln talks to the
// Engine API directly, so it understands the flags templates use rather
// than running the docker CLI.
struct RunSpec {
  bool tty = false;
  bool interactive = false;
  std::optional<std::string> entrypoint;
  std::vector<std::string> command;  // after the image
  std::vector<std::string> env;      // -e K=V
  std::vector<std::string> binds;    // -v host:container
  std::string user;                  // -u
  std::string workdir;               // -w
  bool privileged = false;
  std::vector<std::string> cap_add, cap_drop;
  std::map<std::string, std::string> labels;  // -l/--label
  std::string network;                        // --network/--net
};

// Parses run_command after rendering ({{.Image}} already replaced). The
// image must appear as the first positional argument.
Result<RunSpec> ParseRunCommand(const std::vector<std::string>& args, const std::string& image);

struct Config {
  std::string image;
  bool pull = true;
  bool commit = false;
  bool discard = false;
  std::string export_path;
  std::string author;
  std::string message;
  std::vector<std::string> changes;
  std::vector<std::string> run_command;  // unrendered: {{.Image}} is filled in at run time
  std::map<std::string, std::string> volumes;  // host path -> container path
  std::string container_dir;
  std::vector<std::string> devices;
  std::vector<std::string> cap_add, cap_drop;
  bool privileged = false;
  std::string runtime;
  std::string platform;
  std::vector<std::string> tmpfs;
  std::string exec_user;
  bool fix_upload_owner = true;
  bool login = false;
  std::string login_server, login_username, login_password;
};

Result<Config> Prepare(const tmpl::DecodedConfig& decoded);

// The Dockerfile instructions `changes` may use (Packer's list).
bool IsAllowedChange(std::string_view change);

}  // namespace kiln::builders::docker
