#include "clients/docker/stream_demux.h"

#include <algorithm>

namespace kiln::clients::docker {

void LineSplitter::Emit(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (on_line_) on_line_(line);
}

void LineSplitter::Feed(std::string_view bytes) {
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      // No newline yet: keep the piece, delivering what is over max_line_.
      partial_.append(bytes);
      EmitPieces(false);
      return;
    }
    std::string_view head = bytes.substr(0, nl);
    bytes.remove_prefix(nl + 1);
    if (partial_.empty() && head.size() <= max_line_) {
      Emit(head);  // the common case: no copy
      continue;
    }
    partial_.append(head);
    EmitPieces(true);
    Emit(partial_);
    partial_.clear();
  }
}

void LineSplitter::EmitPieces(bool complete) {
  size_t lookahead = complete ? 0 : output_->longest_secret();
  size_t start = 0;
  while (partial_.size() - start > max_line_ + lookahead) {
    std::string_view rest = std::string_view(partial_).substr(start);
    size_t cut = output_->SafeCut(rest, max_line_);
    if (cut == 0) cut = max_line_;
    Emit(rest.substr(0, cut));
    start += cut;
  }
  partial_.erase(0, start);
}

void LineSplitter::Finish() {
  if (partial_.empty()) return;
  std::string last = std::move(partial_);
  partial_.clear();
  Emit(last);
}

bool StreamDemuxer::Feed(std::string_view bytes) {
  if (broken_) return false;
  while (!bytes.empty()) {
    if (remaining_ == 0) {
      size_t take = std::min(bytes.size(), sizeof header_ - header_len_);
      std::copy_n(bytes.data(), take, header_ + header_len_);
      header_len_ += take;
      bytes.remove_prefix(take);
      if (header_len_ < sizeof header_) return true;
      header_len_ = 0;
      if (header_[0] > 3) {
        broken_ = true;
        return false;
      }
      stream_ = static_cast<StreamType>(header_[0]);
      remaining_ =
          uint32_t(header_[4]) << 24 | uint32_t(header_[5]) << 16 | uint32_t(header_[6]) << 8 | uint32_t(header_[7]);
      continue;  // a zero-length frame is legal: read the next header
    }
    size_t take = std::min<size_t>(bytes.size(), remaining_);
    on_payload_(stream_, bytes.substr(0, take));
    remaining_ -= uint32_t(take);
    bytes.remove_prefix(take);
  }
  return true;
}

ExecOutputDecoder::ExecOutputDecoder(LineSplitter::LineFn on_stdout, LineSplitter::LineFn on_stderr)
    : stdout_(std::move(on_stdout)),
      stderr_(std::move(on_stderr)),
      demux_([this](StreamType stream, std::string_view bytes) {
        switch (stream) {
          case StreamType::kStdin:  // stdcopy treats it as stdout
          case StreamType::kStdout:
            stdout_.Feed(bytes);
            break;
          case StreamType::kStderr:
            stderr_.Feed(bytes);
            break;
          case StreamType::kSystemErr:
            if (system_error_.size() < 64 * 1024) system_error_.append(bytes);
            break;
        }
      }) {}

void ExecOutputDecoder::Finish() {
  stdout_.Finish();
  stderr_.Finish();
}

}  // namespace kiln::clients::docker
