// Integration tests against the real engine (dockerd, started by
// scripts/start-dockerd.sh when absent; skipped when it cannot run).
#include "clients/docker/engine_client.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <streambuf>
#include <thread>

#include "clients/docker/tar_stream.h"
#include "clients/docker/test_util.h"

namespace kiln::clients::docker {
namespace {

namespace fs = std::filesystem;
using testing::Pattern;
using testing::ReadAll;
using testing::ScratchDir;
using testing::WriteFile;

constexpr char kImage[] = "debian:bookworm";

std::string RunScript(const std::string& command, int* status) {
  std::string out;
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) {
    *status = -1;
    return "popen failed";
  }
  std::array<char, 4096> buf;
  while (size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  int rc = ::pclose(pipe);
  *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

// Peak resident set size of this process, in KiB.
long PeakRssKiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
  return -1;
}

// The names of the entries of a tar file (or the first `limit` of them).
std::vector<std::string> TarNames(const ByteSource& source, size_t limit = 100000) {
  std::vector<std::string> names;
  archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  struct Ctx {
    const ByteSource* source;
    std::vector<char> buf = std::vector<char>(65536);
  } ctx{&source};
  auto read = [](archive*, void* p, const void** out) -> la_ssize_t {
    auto* c = static_cast<Ctx*>(p);
    Result<size_t> n = (*c->source)(c->buf);
    if (!n) return -1;
    *out = c->buf.data();
    return static_cast<la_ssize_t>(*n);
  };
  if (archive_read_open(a, &ctx, nullptr, read, nullptr) == ARCHIVE_OK) {
    archive_entry* e;
    while (names.size() < limit && archive_read_next_header(a, &e) == ARCHIVE_OK) {
      names.emplace_back(archive_entry_pathname(e));
      archive_read_data_skip(a);
    }
  }
  archive_read_free(a);
  return names;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// An ostream target that compares what it is given with a file, byte for
// byte, without holding either in memory.
class CompareWithFile : public std::streambuf {
 public:
  explicit CompareWithFile(const fs::path& p) : in_(p, std::ios::binary) {}
  uint64_t written() const { return written_; }
  uint64_t mismatches() const { return mismatches_; }

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    buf_.resize(static_cast<size_t>(n));
    in_.read(buf_.data(), n);
    std::streamsize got = in_.gcount();
    for (std::streamsize i = 0; i < n; ++i)
      if (i >= got || buf_[i] != s[i]) ++mismatches_;
    written_ += static_cast<uint64_t>(n);
    return n;
  }
  int_type overflow(int_type c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    char ch = static_cast<char>(c);
    xsputn(&ch, 1);
    return c;
  }

 private:
  std::ifstream in_;
  std::vector<char> buf_;
  uint64_t written_ = 0;
  uint64_t mismatches_ = 0;
};

// Forwards 127.0.0.1:<port> to the engine's unix socket, so that the tcp://
// transport can be tested against the same engine.
class TcpToUnixProxy {
 public:
  explicit TcpToUnixProxy(std::string socket_path) : socket_path_(std::move(socket_path)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      return;
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }
  ~TcpToUnixProxy() {
    ::shutdown(listener_, SHUT_RDWR);  // wakes accept()
    if (acceptor_.joinable()) acceptor_.join();
    ::close(listener_);
    std::lock_guard lock(mu_);
    for (std::thread& t : pumps_) t.join();
  }
  int port() const { return port_; }

 private:
  void AcceptLoop() {
    for (;;) {
      int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) return;
      int engine = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_un addr{};
      addr.sun_family = AF_UNIX;
      std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path_.c_str());
      if (::connect(engine, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(client);
        ::close(engine);
        continue;
      }
      auto copy = [](int from, int to) {
        std::array<char, 65536> buf;
        ssize_t n;
        while ((n = ::read(from, buf.data(), buf.size())) > 0)
          if (::write(to, buf.data(), static_cast<size_t>(n)) != n) break;
      };
      std::lock_guard lock(mu_);
      pumps_.emplace_back([=] {
        std::thread back([=] {
          copy(engine, client);
          ::shutdown(client, SHUT_WR);  // the engine ended the response (an exec's end)
        });
        copy(client, engine);
        ::shutdown(engine, SHUT_RDWR);  // curl is done with the connection: stop both ways
        back.join();
        ::close(client);
        ::close(engine);
      });
    }
  }

  std::string socket_path_;
  int listener_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> pumps_;
};

class EngineClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    int status = 0;
    std::string out = RunScript("bash " KILN_SOURCE_DIR "/scripts/start-dockerd.sh", &status);
    if (status != 0) {
      skip_reason_ = "dockerd cannot run here: " + out;
      return;
    }
    out = RunScript("bash " KILN_SOURCE_DIR "/scripts/base-image.sh " + std::string(kImage), &status);
    if (status != 0) skip_reason_ = "cannot build the base image: " + out;
  }

  void SetUp() override {
    if (skip_reason_) GTEST_SKIP() << *skip_reason_;
    Result<EngineClient> c = EngineClient::FromEnv();
    ASSERT_TRUE(c) << c.error().Message();
    client_.emplace(std::move(*c));
    static std::once_flag swept;
    std::call_once(swept, [this] { RemoveLeftovers(); });
  }

  // Containers of earlier runs that died before their TearDown (their pid is
  // gone); other live runs' containers are left alone.
  void RemoveLeftovers() {
    Result<std::vector<ContainerSummary>> old = client_->ContainerList({"kiln.test=clients-docker"}, true);
    if (!old) return;
    for (const ContainerSummary& c : *old) {
      auto run = c.labels.find("kiln.test.run");
      if (run == c.labels.end()) continue;
      int pid = std::atoi(run->second.c_str());
      if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) (void)client_->ContainerRemove(c.id, true, true);
    }
  }

  void TearDown() override {
    if (!client_) return;
    for (const std::string& id : containers_) (void)client_->ContainerRemove(id, /*force=*/true, true);
    for (const std::string& image : images_) (void)client_->ImageRemove(image, /*force=*/true);
  }

  // This run's containers carry both labels, so that cleanup and the list
  // test never touch containers of other test runs.
  std::map<std::string, std::string> Labels() const {
    return {{"kiln.test", "clients-docker"}, {"kiln.test.run", std::to_string(::getpid())}};
  }
  std::string RunLabel() const { return "kiln.test.run=" + std::to_string(::getpid()); }

  // Creates (and starts) a container; TearDown removes it.
  std::string Start(ContainerConfig config) {
    config.labels.merge(Labels());
    Result<std::string> id = client_->ContainerCreate(config);
    EXPECT_TRUE(id) << id.error().Message();
    if (!id) return "";
    containers_.push_back(*id);
    Result<void> r = client_->ContainerStart(*id);
    EXPECT_TRUE(r) << r.error().Message();
    return *id;
  }

  // Like Packer's default: docker run -d -i -t --entrypoint=/bin/sh IMAGE.
  std::string StartShell() {
    return Start({.image = kImage, .entrypoint = std::vector<std::string>{"/bin/sh"}, .tty = true, .open_stdin = true});
  }

  struct Output {
    int exit_code = -1;
    std::vector<std::string> out, err;
  };
  Output Sh(const std::string& container, const std::string& script, ExecConfig config = {}) {
    Output o;
    config.cmd = {"/bin/sh", "-c", script};
    Result<int> code = RunExec(*client_, container, config,
                               {.on_stdout = [&](std::string_view l) { o.out.emplace_back(l); },
                                .on_stderr = [&](std::string_view l) { o.err.emplace_back(l); }},
                               NeverCancelled());
    EXPECT_TRUE(code) << code.error().Message();
    if (code) o.exit_code = *code;
    return o;
  }

  static inline std::optional<std::string> skip_reason_;
  std::optional<EngineClient> client_;
  std::vector<std::string> containers_;
  std::vector<std::string> images_;
};

TEST(EngineClientOfflineTest, UnreachableEngineIsAClearError) {
  EngineClient client(*ParseDockerHost("unix:///nonexistent/kiln-docker.sock"));
  Result<void> r = client.Ping();
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().Message().starts_with(
      "docker ping: cannot connect to the Docker engine at unix:///nonexistent/kiln-docker.sock: "))
      << r.error().Message();
}

TEST_F(EngineClientTest, PingAndVersion) {
  ASSERT_TRUE(client_->Ping());
  Result<VersionInfo> v = client_->Version();
  ASSERT_TRUE(v) << v.error().Message();
  EXPECT_FALSE(v->version.empty());
  EXPECT_GE(v->api_version, "1.41");
  EXPECT_EQ(v->os, "linux");
}

TEST_F(EngineClientTest, OverTcp) {
  if (client_->endpoint().kind != Endpoint::Kind::kUnix) GTEST_SKIP() << "needs the engine on a unix socket";
  TcpToUnixProxy proxy(client_->endpoint().socket_path);
  ASSERT_NE(proxy.port(), 0);
  Result<Endpoint> ep = ParseDockerHost(fmt::format("tcp://127.0.0.1:{}", proxy.port()));
  ASSERT_TRUE(ep);
  EngineClient tcp(*ep);
  Result<VersionInfo> v = tcp.Version();
  ASSERT_TRUE(v) << v.error().Message();
  std::string id = StartShell();
  ASSERT_FALSE(id.empty());
  std::vector<std::string> out;
  Result<int> code = RunExec(tcp, id, {.cmd = {"/bin/sh", "-c", "echo over tcp; exit 4"}},
                             {.on_stdout = [&](std::string_view l) { out.emplace_back(l); }}, NeverCancelled());
  ASSERT_TRUE(code) << code.error().Message();
  EXPECT_EQ(*code, 4);
  EXPECT_EQ(out, std::vector<std::string>{"over tcp"});
}

TEST_F(EngineClientTest, ImageInspect) {
  Result<ImageInfo> image = client_->ImageInspect(kImage);
  ASSERT_TRUE(image) << image.error().Message();
  EXPECT_TRUE(image->id.starts_with("sha256:"));
  EXPECT_TRUE(Contains(image->repo_tags, kImage));
  ASSERT_TRUE(image->config.cmd);
  EXPECT_EQ(*image->config.cmd, std::vector<std::string>{"bash"});
  EXPECT_FALSE(image->config.entrypoint);
  EXPECT_TRUE(std::ranges::any_of(image->config.env, [](const std::string& e) { return e.starts_with("PATH="); }));

  Result<ImageInfo> missing = client_->ImageInspect("kiln-test/nope:none");
  ASSERT_FALSE(missing);
  EXPECT_TRUE(IsNotFound(missing.error()));
  // The engine's message, whatever its wording, after the status.
  EXPECT_TRUE(missing.error().Message().starts_with("docker image inspect kiln-test/nope:none: 404: "))
      << missing.error().Message();
  EXPECT_NE(missing.error().detail.find("kiln-test/nope:none"), std::string::npos);
}

TEST_F(EngineClientTest, ExecDeliversLinesAndExitCode) {
  std::string id = StartShell();
  ASSERT_FALSE(id.empty());
  Output o = Sh(id, "echo out; echo err >&2; echo two; printf partial; exit 3");
  EXPECT_EQ(o.exit_code, 3);
  EXPECT_EQ(o.out, (std::vector<std::string>{"out", "two", "partial"}));
  EXPECT_EQ(o.err, std::vector<std::string>{"err"});

  o = Sh(id, "echo $FOO; pwd; id -un", {.user = "nobody", .env = {"FOO=bar"}, .working_dir = "/tmp"});
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out, (std::vector<std::string>{"bar", "/tmp", "nobody"}));

  // Lots of output, quickly: every line arrives, in order.
  o = Sh(id, "seq 1 100000");
  ASSERT_EQ(o.out.size(), 100000u);
  EXPECT_EQ(o.out.back(), "100000");

  // A missing command: the engine's error, not a hang.
  Result<int> bad = RunExec(*client_, id, {.cmd = {"/no/such/program"}}, {}, NeverCancelled());
  if (bad) {
    EXPECT_NE(*bad, 0);
  }
}

TEST_F(EngineClientTest, ExecStreamsLinesAsTheyCome) {
  std::string id = StartShell();
  ASSERT_FALSE(id.empty());
  using Clock = std::chrono::steady_clock;
  Clock::time_point start = Clock::now(), first, end;
  std::vector<std::string> lines;
  Result<int> code = RunExec(*client_, id, {.cmd = {"/bin/sh", "-c", "echo first; sleep 1; echo second"}},
                             {.on_stdout =
                                  [&](std::string_view l) {
                                    if (lines.empty()) first = Clock::now();
                                    lines.emplace_back(l);
                                  }},
                             NeverCancelled());
  end = Clock::now();
  ASSERT_TRUE(code) << code.error().Message();
  EXPECT_EQ(lines, (std::vector<std::string>{"first", "second"}));
  EXPECT_LT(first - start, std::chrono::milliseconds(800));
  EXPECT_GE(end - first, std::chrono::milliseconds(800));
}

TEST_F(EngineClientTest, ExecCancellation) {
  std::string id = StartShell();
  ASSERT_FALSE(id.empty());
  CancelToken cancel;
  std::thread tripper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel.Cancel();
  });
  auto start = std::chrono::steady_clock::now();
  Result<int> code = RunExec(*client_, id, {.cmd = {"sleep", "30"}}, {}, cancel);
  auto took = std::chrono::steady_clock::now() - start;
  tripper.join();
  ASSERT_FALSE(code);
  EXPECT_TRUE(IsCancelled(code.error())) << code.error().Message();
  EXPECT_EQ(code.error().Message(), fmt::format("docker exec {}: cancelled", id.substr(0, 12)));
  EXPECT_LT(took, std::chrono::seconds(2));
}

TEST_F(EngineClientTest, ArchiveRoundTrip) {
  std::string id = StartShell();
  ASSERT_FALSE(id.empty());
  ScratchDir local;
  std::string mib = Pattern(1 << 20, 7);
  WriteFile(local.path() / "one.bin", mib);
  WriteFile(local.path() / "tree/a.txt", "alpha\n");
  WriteFile(local.path() / "tree/sub/b.txt", "beta\n");
  fs::create_directories(local.path() / "tree/empty");

  ASSERT_EQ(Sh(id, "mkdir -p /tmp/up").exit_code, 0);
  TarWriter tar;
  tar.AddFile(local.path() / "one.bin", "one.bin", 0640);
  tar.AddDirectory(local.path() / "tree", "tree");
  Result<void> put = client_->PutArchive(id, "/tmp/up", tar.AsSource(), NeverCancelled());
  ASSERT_TRUE(put) << put.error().Message();

  Output o = Sh(id, "stat -c '%s %a %U' /tmp/up/one.bin; cat /tmp/up/tree/sub/b.txt; test -d /tmp/up/tree/empty");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out, (std::vector<std::string>{"1048576 640 root", "beta"}));

  // One file back, byte for byte; and through a symlink.
  std::ostringstream back;
  Result<void> get = client_->GetArchiveFile(id, "/tmp/up/one.bin", back, NeverCancelled());
  ASSERT_TRUE(get) << get.error().Message();
  EXPECT_TRUE(back.str() == mib);
  ASSERT_EQ(Sh(id, "ln -s /tmp/up/tree/a.txt /tmp/link").exit_code, 0);
  std::ostringstream via_link;
  ASSERT_TRUE(client_->GetArchiveFile(id, "/tmp/link", via_link, NeverCancelled()));
  EXPECT_EQ(via_link.str(), "alpha\n");

  // A directory back into a local one.
  ScratchDir down;
  get = client_->GetArchiveToDir(id, "/tmp/up/tree", down.path(), NeverCancelled());
  ASSERT_TRUE(get) << get.error().Message();
  EXPECT_EQ(ReadAll(down.path() / "tree/a.txt"), "alpha\n");
  EXPECT_EQ(ReadAll(down.path() / "tree/sub/b.txt"), "beta\n");
  EXPECT_TRUE(fs::is_directory(down.path() / "tree/empty"));
  ScratchDir contents;  // "dir/.": the contents only
  get = client_->GetArchiveToDir(id, "/tmp/up/tree/.", contents.path() / "new", NeverCancelled());
  ASSERT_TRUE(get) << get.error().Message();
  EXPECT_EQ(ReadAll(contents.path() / "new/sub/b.txt"), "beta\n");

  // Stat, and what goes wrong.
  Result<PathStat> st = client_->StatPath(id, "/tmp/up/tree");
  ASSERT_TRUE(st) << st.error().Message();
  EXPECT_TRUE(st->is_dir());
  EXPECT_EQ(st->name, "tree");
  st = client_->StatPath(id, "/tmp/up/one.bin");
  ASSERT_TRUE(st);
  EXPECT_FALSE(st->is_dir());
  EXPECT_EQ(st->size, 1 << 20);
  st = client_->StatPath(id, "/tmp/link");
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->is_symlink());
  EXPECT_EQ(st->link_target, "/tmp/up/tree/a.txt");
  st = client_->StatPath(id, "/no/such/path");
  ASSERT_FALSE(st);
  EXPECT_TRUE(IsNotFound(st.error())) << st.error().Message();

  std::ostringstream ignored;
  get = client_->GetArchiveFile(id, "/tmp/up/tree", ignored, NeverCancelled());
  ASSERT_FALSE(get);
  EXPECT_EQ(get.error().Message(), fmt::format("docker cp {}:/tmp/up/tree: is a directory", id.substr(0, 12)));
  get = client_->GetArchiveFile(id, "/no/such/file", ignored, NeverCancelled());
  ASSERT_FALSE(get);
  EXPECT_TRUE(IsNotFound(get.error())) << get.error().Message();
  TarWriter again;
  again.AddFile(local.path() / "one.bin", "x.bin");
  put = client_->PutArchive(id, "/no/such/dir", again.AsSource(), NeverCancelled());
  ASSERT_FALSE(put);
  EXPECT_TRUE(IsNotFound(put.error())) << put.error().Message();
}

TEST_F(EngineClientTest, LargeFileStreamsInBoundedMemory) {
  std::string id = StartShell();
  ASSERT_FALSE(id.empty());
  ScratchDir local;
  // 200 MiB, mostly a hole, with data at the start, in the middle, at the end.
  constexpr off_t kSize = 200 << 20;
  fs::path big = local.path() / "big.bin";
  {
    int fd = ::open(big.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    std::string chunk = Pattern(1 << 20, 3);
    for (off_t at : {off_t(0), kSize / 2 + 12345, kSize - off_t(chunk.size())})
      ASSERT_EQ(::pwrite(fd, chunk.data(), chunk.size(), at), ssize_t(chunk.size()));
    ASSERT_EQ(::ftruncate(fd, kSize), 0);
    ::close(fd);
  }
  long before = PeakRssKiB();

  TarWriter tar;
  tar.AddFile(big, "big.bin");
  Result<void> put = client_->PutArchive(id, "/tmp", tar.AsSource(), NeverCancelled());
  ASSERT_TRUE(put) << put.error().Message();

  CompareWithFile compare(big);
  std::ostream out(&compare);
  Result<void> get = client_->GetArchiveFile(id, "/tmp/big.bin", out, NeverCancelled());
  ASSERT_TRUE(get) << get.error().Message();
  EXPECT_EQ(compare.written(), uint64_t(kSize));
  EXPECT_EQ(compare.mismatches(), 0u);

  long growth_mib = (PeakRssKiB() - before) / 1024;
  EXPECT_LT(growth_mib, 64) << "peak RSS grew by " << growth_mib << " MiB moving 200 MiB";
  RecordProperty("peak_rss_growth_mib", std::to_string(growth_mib));
}

TEST_F(EngineClientTest, CommitWithChangesAndTag) {
  std::string id = StartShell();
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(Sh(id, "echo committed > /committed").exit_code, 0);
  std::string repo = "kiln-test/commit";
  std::string tag = std::to_string(::getpid());
  Result<std::string> image = client_->ImageCommit(
      id, {.repo = repo, .tag = tag, .author = "kiln", .message = "test", .changes = {"LABEL a=b", "EXPOSE 8080"}});
  ASSERT_TRUE(image) << image.error().Message();
  images_.push_back(*image);
  EXPECT_TRUE(image->starts_with("sha256:"));

  Result<ImageInfo> info = client_->ImageInspect(repo + ":" + tag);
  ASSERT_TRUE(info) << info.error().Message();
  EXPECT_EQ(info->id, *image);
  EXPECT_EQ(info->config.labels["a"], "b");
  EXPECT_EQ(info->config.exposed_ports, std::vector<std::string>{"8080/tcp"});
  ASSERT_TRUE(info->config.entrypoint);  // the container's config carries over
  EXPECT_EQ(*info->config.entrypoint, std::vector<std::string>{"/bin/sh"});

  ASSERT_TRUE(client_->ImageTag(*image, "kiln-test/retagged", tag, /*force=*/true));
  info = client_->ImageInspect("kiln-test/retagged:" + tag);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->id, *image);
  ASSERT_TRUE(client_->ImageRemove("kiln-test/retagged:" + tag, false));
  EXPECT_TRUE(client_->ImageInspect(*image));  // still tagged repo:tag
  ASSERT_TRUE(client_->ImageRemove(*image, /*force=*/true));
  Result<ImageInfo> gone = client_->ImageInspect(*image);
  ASSERT_FALSE(gone);
  EXPECT_TRUE(IsNotFound(gone.error()));
}

TEST_F(EngineClientTest, ExportIsATar) {
  std::string id = StartShell();
  ASSERT_FALSE(id.empty());
  ScratchDir local;
  fs::path file = local.path() / "export.tar";
  {
    std::ofstream out(file, std::ios::binary);
    Result<void> r = client_->ContainerExport(id, out, NeverCancelled());
    ASSERT_TRUE(r) << r.error().Message();
  }
  EXPECT_GT(fs::file_size(file), 10u << 20);
  std::ifstream in(file, std::ios::binary);
  std::vector<std::string> names = TarNames(IstreamSource(in));
  EXPECT_TRUE(Contains(names, "etc/debian_version")) << names.size() << " entries";
  EXPECT_TRUE(Contains(names, "bin/sh") || Contains(names, "usr/bin/sh"));
}

TEST_F(EngineClientTest, ImportAndSave) {
  ScratchDir local;
  WriteFile(local.path() / "hello.txt", "hello\n");
  TarWriter tar;
  tar.AddFile(local.path() / "hello.txt", "hello.txt");
  std::string tag = std::to_string(::getpid());
  Result<std::string> image = client_->ImageImport(
      tar.AsSource(), {.repo = "kiln-test/import", .tag = tag, .message = "imported", .changes = {"CMD [\"/hello\"]"}},
      NeverCancelled());
  ASSERT_TRUE(image) << image.error().Message();
  images_.push_back(*image);
  Result<ImageInfo> info = client_->ImageInspect("kiln-test/import:" + tag);
  ASSERT_TRUE(info) << info.error().Message();
  EXPECT_EQ(info->id, *image);
  ASSERT_TRUE(info->config.cmd);
  EXPECT_EQ(*info->config.cmd, std::vector<std::string>{"/hello"});

  std::stringstream saved;
  Result<void> r = client_->ImageSave({"kiln-test/import:" + tag}, saved, NeverCancelled());
  ASSERT_TRUE(r) << r.error().Message();
  std::vector<std::string> names = TarNames(IstreamSource(saved));
  EXPECT_TRUE(Contains(names, "manifest.json")) << saved.str().size();

  // Importing something that is not a tar is the engine's error, reported.
  std::istringstream junk("this is not a tar");
  Result<std::string> bad = client_->ImageImport(IstreamSource(junk), {}, NeverCancelled());
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().summary == "docker import") << bad.error().Message();
}

TEST_F(EngineClientTest, RegistryFailuresAreReported) {
  // No registry is reachable from here: every one of these must fail, fast,
  // with the reference and the engine's reason in the message.
  std::vector<ProgressMessage> progress;
  Result<void> pull = client_->ImagePull(
      "debian:nope", {.on_progress = [&](const ProgressMessage& m) { progress.push_back(m); }}, NeverCancelled());
  ASSERT_FALSE(pull);
  EXPECT_TRUE(pull.error().Message().starts_with("docker pull debian:nope: ")) << pull.error().Message();
  EXPECT_GT(pull.error().detail.size(), 10u);

  pull = client_->ImagePull("localhost:1/kiln-test/nope", {.auth = RegistryAuth{"u", "p", "localhost:1"}},
                            NeverCancelled());
  ASSERT_FALSE(pull);
  EXPECT_TRUE(pull.error().Message().starts_with("docker pull localhost:1/kiln-test/nope: "));
  EXPECT_NE(pull.error().detail.find("localhost:1"), std::string::npos) << pull.error().Message();

  Result<std::string> push = client_->ImagePush("localhost:1/kiln-test/nope:t", {}, NeverCancelled());
  ASSERT_FALSE(push);
  EXPECT_TRUE(push.error().Message().starts_with("docker push localhost:1/kiln-test/nope:t: "))
      << push.error().Message();

  Result<LoginResult> login = client_->Login({.username = "u", .password = "p", .server = "localhost:1"});
  ASSERT_FALSE(login);
  EXPECT_TRUE(login.error().Message().starts_with("docker login localhost:1: ")) << login.error().Message();
}

TEST_F(EngineClientTest, HostConfigIsApplied) {
  ScratchDir shared;
  WriteFile(shared.path() / "from-host.txt", "host\n");
  std::string id = Start({.image = kImage,
                          .cmd = std::vector<std::string>{"sleep", "300"},
                          .env = {"KILN_A=1"},
                          .working_dir = "/srv",
                          .host = {.binds = {shared.path().string() + ":/mnt/host:ro"},
                                   .cap_drop = {"NET_RAW"},
                                   .tmpfs = {{"/scratch", "size=1m"}}}});
  ASSERT_FALSE(id.empty());
  Output o = Sh(id, "cat /mnt/host/from-host.txt; echo $KILN_A; pwd; grep -c ' /scratch tmpfs' /proc/mounts");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.out, (std::vector<std::string>{"host", "1", "/srv", "1"}));

  Result<ContainerInfo> info = client_->ContainerInspect(id);
  ASSERT_TRUE(info) << info.error().Message();
  EXPECT_TRUE(info->running);
  EXPECT_EQ(info->labels["kiln.test"], "clients-docker");
}

TEST_F(EngineClientTest, KillAndRemoveLeaveNothing) {
  std::string id = Start({.image = kImage, .cmd = std::vector<std::string>{"sleep", "300"}});
  ASSERT_FALSE(id.empty());
  Result<std::vector<ContainerSummary>> listed = client_->ContainerList({RunLabel()}, /*all=*/true);
  ASSERT_TRUE(listed) << listed.error().Message();
  EXPECT_TRUE(std::ranges::any_of(*listed, [&](const ContainerSummary& c) { return c.id == id; }));

  ASSERT_TRUE(client_->ContainerStart(id));  // again: already running is fine
  Result<void> kill = client_->ContainerKill(id, "");
  ASSERT_TRUE(kill) << kill.error().Message();
  Result<ContainerInfo> info = client_->ContainerInspect(id);
  ASSERT_TRUE(info);
  for (int i = 0; i < 50 && info && info->running; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    info = client_->ContainerInspect(id);
  }
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->running);
  EXPECT_EQ(info->exit_code, 137);
  kill = client_->ContainerKill(id, "");
  ASSERT_FALSE(kill);
  EXPECT_EQ(HttpStatus(kill.error()), 409) << kill.error().Message();

  ASSERT_TRUE(client_->ContainerRemove(id, false, true));
  listed = client_->ContainerList({RunLabel()}, /*all=*/true);
  ASSERT_TRUE(listed);
  EXPECT_FALSE(std::ranges::any_of(*listed, [&](const ContainerSummary& c) { return c.id == id; }));
  info = client_->ContainerInspect(id);
  ASSERT_FALSE(info);
  EXPECT_TRUE(IsNotFound(info.error()));
  EXPECT_EQ(info.error().summary, "docker inspect " + id.substr(0, 12));

  Result<std::string> bad = client_->ContainerCreate({.image = "kiln-test/nope:none"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().Message(), "docker create kiln-test/nope:none: 404: No such image: kiln-test/nope:none");
}

}  // namespace
}  // namespace kiln::clients::docker
