// Incremental decoding of what `POST /exec/{id}/start` (Tty=false) sends
// back: the engine's multiplexed stream of frames, each an 8-byte header
// {stream type, 0, 0, 0, big-endian uint32 length} and that many bytes.
// Bytes may arrive split anywhere; nothing is buffered beyond one header and
// one partial line per stream.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "ui/output.h"

namespace kiln::clients::docker {

// Splits a byte stream into lines as they complete. A line is delivered
// without its "\n" (and without a "\r" before it, like Go's bufio.ScanLines).
// A line longer than `max_line` bytes is delivered in pieces of at most
// max_line so that output without newlines cannot grow memory without
// bound. Each piece is printed, and masked, on its own, so a piece never
// ends inside a secret that `output` knows: the cut moves back to where the
// secret starts (Output::SafeCut), and up to the longest secret's length is
// held past max_line to see whether one spans it.
class LineSplitter {
 public:
  using LineFn = std::function<void(std::string_view line)>;
  static constexpr size_t kDefaultMaxLine = 1 << 20;

  explicit LineSplitter(LineFn on_line, size_t max_line = kDefaultMaxLine, ui::Output* output = nullptr)
      : on_line_(std::move(on_line)), max_line_(max_line), output_(output ? output : &ui::Output::Process()) {}

  void Feed(std::string_view bytes);
  // Delivers a trailing partial line, if any. Call once at the end.
  void Finish();

 private:
  void Emit(std::string_view line);
  // Delivers max_line pieces of partial_ while more than one is buffered
  // (beyond the look-ahead a cut needs, unless the line is `complete`).
  void EmitPieces(bool complete);

  LineFn on_line_;
  size_t max_line_;
  ui::Output* output_;
  std::string partial_;
};

enum class StreamType : uint8_t { kStdin = 0, kStdout = 1, kStderr = 2, kSystemErr = 3 };

// Feeds frame payloads to `on_payload` in pieces as they arrive (a frame's
// payload may be split over several calls).
class StreamDemuxer {
 public:
  using PayloadFn = std::function<void(StreamType stream, std::string_view bytes)>;

  explicit StreamDemuxer(PayloadFn on_payload) : on_payload_(std::move(on_payload)) {}

  // False when a header is malformed (unknown stream type); the stream is
  // then not a multiplexed one and the rest is dropped.
  bool Feed(std::string_view bytes);
  // True when the input stopped in the middle of a frame.
  bool truncated() const { return header_len_ != 0 || remaining_ != 0; }

 private:
  PayloadFn on_payload_;
  unsigned char header_[8];
  size_t header_len_ = 0;   // bytes of the current header seen so far
  uint32_t remaining_ = 0;  // payload bytes still due for the current frame
  StreamType stream_ = StreamType::kStdout;
  bool broken_ = false;
};

// The two together: complete lines per stream, and the text of any
// system-error frames (the engine reporting a failure inside the stream).
class ExecOutputDecoder {
 public:
  ExecOutputDecoder(LineSplitter::LineFn on_stdout, LineSplitter::LineFn on_stderr);

  bool Feed(std::string_view bytes) { return demux_.Feed(bytes); }
  // Flushes partial lines.
  void Finish();
  const std::string& system_error() const { return system_error_; }
  bool truncated() const { return demux_.truncated(); }

 private:
  LineSplitter stdout_;
  LineSplitter stderr_;
  std::string system_error_;
  StreamDemuxer demux_;
};

}  // namespace kiln::clients::docker
