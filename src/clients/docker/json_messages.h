// The progress stream of pull, push and import: one JSON object per line,
// {"status":…,"id":…,"progress":…} and, on failure, {"error":…,
// "errorDetail":{"message":…}} (the HTTP status is already 200 by then, so
// the stream is the only place a failure shows up).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "clients/docker/stream_demux.h"

namespace kiln::clients::docker {

struct ProgressMessage {
  std::string id;        // layer id ("a1b2c3…") or tag; often empty
  std::string status;    // "Pulling fs layer", "Pushed", "sha256:…" (import)
  std::string progress;  // "[=====>   ]  12MB/40MB"; often empty
  std::string error;     // non-empty: the operation failed
  std::string raw;       // the line itself
};

using ProgressFn = std::function<void(const ProgressMessage&)>;

class JsonMessageStream {
 public:
  explicit JsonMessageStream(ProgressFn on_message);

  void Feed(std::string_view bytes) { lines_.Feed(bytes); }
  void Finish() { lines_.Finish(); }

  // The first error message in the stream.
  const std::optional<std::string>& error() const { return error_; }
  // The last aux.Digest (push), or the digest in a "…: digest: sha256:… size:"
  // status; empty when neither came.
  const std::string& digest() const { return digest_; }
  // The last non-empty status (import reports the new image id there).
  const std::string& last_status() const { return last_status_; }

 private:
  void OnLine(std::string_view line);

  ProgressFn on_message_;
  LineSplitter lines_;
  std::optional<std::string> error_;
  std::string digest_;
  std::string last_status_;
};

}  // namespace kiln::clients::docker
