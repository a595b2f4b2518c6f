// The scp (rcp) protocol, as OpenSSH's `scp -t` (sink) and `scp -f`
// (source) speak it: "C<mode> <size> <name>\n" then the bytes then "\0" per
// file, "D<mode> 0 <name>\n" ... "E\n" around directories, and a one-byte
// answer after each (0 ok, 1 warning, 2 error, followed by a message line).
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <vector>

#include "communicators/ssh/progress.h"
#include "communicators/ssh/transfer.h"
#include "ui/output.h"

namespace kiln::communicators::ssh::scp {
namespace {

namespace fs = std::filesystem;

std::string Base(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  std::size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

struct Transfer {
  Session& session;
  Channel channel;
  const IoPolicy& policy;
  std::string remote;      // for messages
  std::string stderr_text;  // what scp said on stderr

  Error Fail(std::string what, std::string detail = {}) {
    if (detail.empty()) detail = stderr_text;
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == '\r')) detail.pop_back();
    return MakeError(fmt::format("scp {}: {}", remote, what), detail);
  }
  Result<void> Read(char* buf, std::size_t n) {
    return ReadExact(session, channel.get(), buf, n, policy, &stderr_text);
  }
  Result<void> Write(std::string_view data) { return WriteAll(session, channel.get(), data); }
  Result<std::string> ReadLine() {
    std::string line;
    char c = 0;
    while (line.size() < 64 * 1024) {
      if (Result<void> r = Read(&c, 1); !r) return std::unexpected(r.error());
      if (c == '\n') return line;
      line += c;
    }
    return std::unexpected(Fail("protocol line too long"));
  }
  // The answer to a record: 0 ok, else the machine's message.
  Result<void> Ack() {
    char code = 0;
    if (Result<void> r = Read(&code, 1); !r) return std::unexpected(Fail("no answer from the machine", r.error().Message()));
    if (code == 0) return {};
    Result<std::string> msg = ReadLine();
    return std::unexpected(Fail(msg ? *msg : "failed"));
  }
  // Ends the command and checks that scp exited with 0.
  Result<void> Finish() {
    ssh_channel_send_eof(channel.get());
    // Drain what is left so the exit status arrives.
    char buf[1024];
    for (;;) {
      int n = ssh_channel_read_nonblocking(channel.get(), buf, sizeof buf, 0);
      int e = ssh_channel_read_nonblocking(channel.get(), buf, sizeof buf, 1);
      if (e > 0) stderr_text.append(buf, static_cast<std::size_t>(e));
      if (n == SSH_ERROR || e == SSH_ERROR) return std::unexpected(SshError(session, "reading"));
      if (n > 0 || e > 0) continue;
      if (ssh_channel_is_eof(channel.get()) || ssh_channel_is_closed(channel.get())) break;
      if (Result<void> w = session.WaitReadable(policy, channel.get()); !w) return w;
    }
    int status = ssh_channel_get_exit_status(channel.get());
    if (status != 0) return std::unexpected(Fail(fmt::format("scp exited with status {}", status)));
    return {};
  }
};

Result<Transfer> Start(Session& session, const std::string& command, const IoPolicy& policy, std::string remote) {
  Result<Channel> ch = StartExec(session, command, false);
  if (!ch) return std::unexpected(ch.error());
  return Transfer{session, std::move(*ch), policy, std::move(remote), {}};
}

// Sends one file's record and bytes, then reads the answer.
Result<void> SendFile(Transfer& t, std::string_view name, std::istream& in, std::uint64_t size, std::uint32_t mode) {
  if (Result<void> r = t.Write(fmt::format("C{:04o} {} {}\n", mode & 07777, size, name)); !r) return r;
  if (Result<void> r = t.Ack(); !r) return r;
  std::vector<char> buf(kChunk);
  Progress progress(fmt::format("uploading {}", name), size);
  std::uint64_t left = size;
  while (left > 0) {
    if (t.policy.cancel && t.policy.cancel->cancelled()) return std::unexpected(t.Fail("cancelled"));
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
    in.read(buf.data(), static_cast<std::streamsize>(want));
    std::size_t got = static_cast<std::size_t>(in.gcount());
    if (got == 0)
      return std::unexpected(t.Fail("the local file ended early", fmt::format("{} of {} bytes sent", size - left, size)));
    if (Result<void> r = t.Write({buf.data(), got}); !r) return r;
    left -= got;
    progress.Add(got);
  }
  if (Result<void> r = t.Write(std::string_view("\0", 1)); !r) return r;
  return t.Ack();
}

Result<void> SendDir(Transfer& t, const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) entries.push_back(e);
  if (ec) return std::unexpected(t.Fail(fmt::format("cannot list {}", dir.string()), ec.message()));
  std::ranges::sort(entries, {}, [](const fs::directory_entry& e) { return e.path().filename(); });
  for (const fs::directory_entry& e : entries) {
    std::string name = e.path().filename().string();
    struct stat st{};
    if (::stat(e.path().c_str(), &st) != 0) continue;  // a dangling link
    if (S_ISDIR(st.st_mode)) {
      if (Result<void> r = t.Write(fmt::format("D{:04o} 0 {}\n", st.st_mode & 07777, name)); !r) return r;
      if (Result<void> r = t.Ack(); !r) return r;
      if (Result<void> r = SendDir(t, e.path()); !r) return r;
      if (Result<void> r = t.Write("E\n"); !r) return r;
      if (Result<void> r = t.Ack(); !r) return r;
    } else if (S_ISREG(st.st_mode)) {
      std::ifstream in(e.path(), std::ios::binary);
      if (!in) return std::unexpected(t.Fail(fmt::format("cannot read {}", e.path().string())));
      if (Result<void> r = SendFile(t, name, in, static_cast<std::uint64_t>(st.st_size), st.st_mode); !r) return r;
    }
  }
  return {};
}

struct Record {
  char type;  // 'C', 'D', 'E'
  std::uint32_t mode = 0;
  std::uint64_t size = 0;
  std::string name;
};

// Reads the next record from `scp -f`; T (times) records are skipped.
Result<std::optional<Record>> NextRecord(Transfer& t) {
  for (;;) {
    char type = 0;
    Result<void> r = t.Read(&type, 1);
    if (!r) {
      // A source that ends cleanly after its last record.
      if (ssh_channel_is_eof(t.channel.get())) return std::nullopt;
      return std::unexpected(r.error());
    }
    Result<std::string> line = t.ReadLine();
    if (!line) return std::unexpected(line.error());
    if (type == 1 || type == 2) return std::unexpected(t.Fail(*line));
    if (type == 'T') {
      if (Result<void> w = t.Write(std::string_view("\0", 1)); !w) return std::unexpected(w.error());
      continue;
    }
    if (type == 'E') return Record{.type = 'E'};
    if (type != 'C' && type != 'D') return std::unexpected(t.Fail(fmt::format("unexpected scp record '{}'", type)));
    Record rec{.type = type};
    char name[4096] = {};
    unsigned long long size = 0;
    unsigned int mode = 0;
    if (std::sscanf(line->c_str(), "%o %llu %4095[^\n]", &mode, &size, name) != 3)
      return std::unexpected(t.Fail(fmt::format("bad scp record '{}{}'", type, *line)));
    rec.mode = mode;
    rec.size = size;
    rec.name = name;
    if (rec.name.empty() || rec.name == "." || rec.name == ".." || rec.name.find('/') != std::string::npos)
      return std::unexpected(t.Fail(fmt::format("the machine sent an unsafe file name '{}'", rec.name)));
    return rec;
  }
}

Result<void> ReceiveBytes(Transfer& t, std::ostream& out, std::uint64_t size, const std::string& name) {
  if (Result<void> w = t.Write(std::string_view("\0", 1)); !w) return w;
  std::vector<char> buf(kChunk);
  Progress progress(fmt::format("downloading {}", name), size);
  std::uint64_t left = size;
  while (left > 0) {
    if (t.policy.cancel && t.policy.cancel->cancelled()) return std::unexpected(t.Fail("cancelled"));
    std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
    // Take what has arrived, up to `want`, without waiting for a full chunk.
    int n = ssh_channel_read_nonblocking(t.channel.get(), buf.data(), static_cast<uint32_t>(want), 0);
    if (n == SSH_ERROR) return std::unexpected(SshError(t.session, "reading"));
    if (n <= 0) {  // 0, or SSH_EOF
      if (ssh_channel_is_eof(t.channel.get())) return std::unexpected(t.Fail("the stream ended early"));
      if (Result<void> w = t.session.WaitReadable(t.policy, t.channel.get()); !w) return w;
      continue;
    }
    t.session.NoteActivity();
    out.write(buf.data(), n);
    if (!out) return std::unexpected(t.Fail("cannot write the local copy"));
    left -= static_cast<std::uint64_t>(n);
    progress.Add(static_cast<std::uint64_t>(n));
  }
  if (Result<void> r = t.Ack(); !r) return r;
  return t.Write(std::string_view("\0", 1));
}

}  // namespace

Result<void> Upload(Session& session, const std::string& remote_path, engine::UploadSource source,
                    const IoPolicy& policy) {
  Result<Transfer> t = Start(session, "scp -t -- " + ShellQuote(remote_path), policy, remote_path);
  if (!t) return std::unexpected(t.error());
  if (Result<void> r = t->Ack(); !r) return r;
  if (Result<void> r = SendFile(*t, Base(remote_path), *source.stream, source.size, source.mode); !r) return r;
  return t->Finish();
}

Result<void> UploadDir(Session& session, const std::string& remote_dir, const std::filesystem::path& local_dir,
                       const IoPolicy& policy) {
  std::string q = ShellQuote(remote_dir);
  Result<Transfer> t = Start(session, fmt::format("mkdir -p -- {} && scp -r -t -- {}", q, q), policy, remote_dir);
  if (!t) return std::unexpected(t.error());
  if (Result<void> r = t->Ack(); !r) return r;
  if (Result<void> r = SendDir(*t, local_dir); !r) return r;
  return t->Finish();
}

Result<void> Download(Session& session, const std::string& remote_path, std::ostream& out, const IoPolicy& policy) {
  Result<Transfer> t = Start(session, "scp -f -- " + ShellQuote(remote_path), policy, remote_path);
  if (!t) return std::unexpected(t.error());
  if (Result<void> w = t->Write(std::string_view("\0", 1)); !w) return w;
  Result<std::optional<Record>> rec = NextRecord(*t);
  if (!rec) return std::unexpected(rec.error());
  if (!*rec) return std::unexpected(t->Fail("the machine sent nothing"));
  if ((*rec)->type != 'C') return std::unexpected(t->Fail("is a directory", "download it as a directory (a source ending in /)"));
  if (Result<void> r = ReceiveBytes(*t, out, (*rec)->size, (*rec)->name); !r) return r;
  return t->Finish();
}

Result<void> DownloadDir(Session& session, const std::string& remote_dir, const std::filesystem::path& local_dir,
                         const IoPolicy& policy) {
  Result<Transfer> t = Start(session, "scp -r -f -- " + ShellQuote(remote_dir), policy, remote_dir);
  if (!t) return std::unexpected(t.error());
  if (Result<void> w = t->Write(std::string_view("\0", 1)); !w) return w;
  // The first D record is remote_dir itself: its contents go into local_dir.
  std::vector<fs::path> stack;
  for (;;) {
    Result<std::optional<Record>> rec = NextRecord(*t);
    if (!rec) return std::unexpected(rec.error());
    if (!*rec) break;
    const Record& r = **rec;
    if (r.type == 'E') {
      if (stack.empty()) return std::unexpected(t->Fail("unbalanced directory end"));
      stack.pop_back();
      if (Result<void> w = t->Write(std::string_view("\0", 1)); !w) return w;
      if (stack.empty()) break;
      continue;
    }
    if (r.type == 'D') {
      fs::path dir = stack.empty() ? local_dir : stack.back() / r.name;
      std::error_code ec;
      fs::create_directories(dir, ec);
      if (ec) return std::unexpected(t->Fail(fmt::format("cannot create {}", dir.string()), ec.message()));
      stack.push_back(dir);
      if (Result<void> w = t->Write(std::string_view("\0", 1)); !w) return w;
      continue;
    }
    if (stack.empty()) return std::unexpected(t->Fail("is a file, not a directory"));
    fs::path file = stack.back() / r.name;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) return std::unexpected(t->Fail(fmt::format("cannot write {}", file.string())));
    if (Result<void> rr = ReceiveBytes(*t, out, r.size, r.name); !rr) return rr;
    out.close();
    std::error_code ignored;  // the bytes arrived; a mode we cannot set is not worth failing for
    fs::permissions(file, static_cast<fs::perms>(r.mode & 0777), ignored);
  }
  return t->Finish();
}

}  // namespace kiln::communicators::ssh::scp
