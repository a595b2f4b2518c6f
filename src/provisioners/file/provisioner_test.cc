#include "provisioners/file/provisioner.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdio>
#include <future>
#include <fstream>
#include <map>
#include <sstream>

#include "json/value.h"
#include "provisioners/file/options.h"
#include "template/decode.h"
#include "ui/captured_output.h"
#include "ui/ui.h"
#include "util/temp_dir.h"
#include "util/unique_fd.h"

namespace kiln::provisioners::file {
namespace {

namespace fs = std::filesystem;

// A machine whose files are a map; records every transfer.
class FakeCommunicator : public engine::Communicator {
 public:
  struct Upload {
    std::string path;
    std::string content;
    std::uint64_t size;
    std::uint32_t mode;
  };
  std::vector<Upload> uploads;
  std::vector<std::pair<std::string, fs::path>> upload_dirs;    // remote, local
  std::vector<std::pair<std::string, fs::path>> download_dirs;  // remote, local
  std::vector<std::string> downloads;                           // remote paths
  std::map<std::string, std::string> remote_files;              // what Download serves

  Result<int> Run(const engine::RemoteCommand&, const CancelToken&) override { return 0; }
  Result<void> Upload(const std::string& remote_path, engine::UploadSource source, const CancelToken&) override {
    std::string content(std::istreambuf_iterator<char>(*source.stream), {});
    uploads.push_back({remote_path, content, source.size, source.mode});
    return {};
  }
  Result<void> UploadDir(const std::string& remote_dir, const fs::path& local_dir, const CancelToken&) override {
    upload_dirs.emplace_back(remote_dir, local_dir);
    return {};
  }
  Result<void> Download(const std::string& remote_path, std::ostream& out, const CancelToken&) override {
    downloads.push_back(remote_path);
    auto it = remote_files.find(remote_path);
    if (it == remote_files.end()) return std::unexpected(MakeError("no such file"));
    out << it->second;
    return {};
  }
  Result<void> DownloadDir(const std::string& remote_dir, const fs::path& local_dir, const CancelToken&) override {
    download_dirs.emplace_back(remote_dir, local_dir);
    return {};
  }
};

class FileTest : public ::testing::Test {
 protected:
  FileTest() : ui_(captured_.output(), ui::UiOptions{}, "web") {
    ctx_.ui = &ui_;
    ctx_.cancel = &cancel_;
    fs::create_directories(dir_.path() / "tree" / "sub");
    std::ofstream(dir_.path() / "tree" / "sub" / "x.txt") << "x";
    Write("app.conf", "listen 80\n");
    Write("b.txt", "bee");
  }

  std::string Write(const std::string& name, const std::string& content) {
    fs::path p = dir_.path() / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string Local(const std::string& name) { return (dir_.path() / name).string(); }

  tmpl::DecodedConfig Decode(const std::string& text) {
    Result<json::Value> v = json::Parse(text, "test.json");
    EXPECT_TRUE(v) << v.error().Message();
    Diagnostics diags;
    interpolate::Context ctx;
    tmpl::DecodedConfig c = tmpl::Decode(*v, Options(), ctx, "provisioner file", diags);
    for (const Error& e : diags) ADD_FAILURE() << e.Message();
    return c;
  }

  Result<void> Provision(const std::string& json) {
    Result<std::unique_ptr<engine::Provisioner>> p = MakeFile(Decode(json));
    if (!p) return std::unexpected(p.error());
    return (*p)->Provision(ctx_, comm_);
  }

  // Everything printed, stdout then stderr.
  std::string out() { return captured_.out() + captured_.err(); }

  ui::CapturedOutput captured_;
  ui::Ui ui_;
  CancelToken cancel_;
  engine::BuildContext ctx_;
  FakeCommunicator comm_;
  TempDir dir_ = *TempDir::Create("file-test-");
};

TEST_F(FileTest, UploadsAFileToAFilePath) {
  std::string src = Local("app.conf");
  ASSERT_TRUE(Provision(fmt::format(R"({{"source": "{}", "destination": "/etc/app.conf"}})", src)));
  ASSERT_EQ(comm_.uploads.size(), 1u);
  EXPECT_EQ(comm_.uploads[0].path, "/etc/app.conf");
  EXPECT_EQ(comm_.uploads[0].content, "listen 80\n");
  EXPECT_EQ(comm_.uploads[0].size, 10u);
  EXPECT_NE(out().find(fmt::format("==> web: Uploading {} => /etc/app.conf", src)), std::string::npos) << out();
}

TEST_F(FileTest, KeepsTheFileMode) {
  std::string src = Local("app.conf");
  fs::permissions(src, fs::perms(0750));
  ASSERT_TRUE(Provision(fmt::format(R"({{"source": "{}", "destination": "/tmp/x"}})", src)));
  EXPECT_EQ(comm_.uploads.at(0).mode, 0750u);
}

TEST_F(FileTest, FileToADirectoryKeepsItsName) {
  ASSERT_TRUE(Provision(fmt::format(R"({{"source": "{}", "destination": "/etc/app/"}})", Local("app.conf"))));
  EXPECT_EQ(comm_.uploads.at(0).path, "/etc/app/app.conf");
}

TEST_F(FileTest, DirectoryWithoutSlashIsCreatedInsideTheDestination) {
  ASSERT_TRUE(Provision(fmt::format(R"({{"source": "{}", "destination": "/opt"}})", Local("tree"))));
  ASSERT_EQ(comm_.upload_dirs.size(), 1u);
  EXPECT_EQ(comm_.upload_dirs[0].first, "/opt/tree");
  EXPECT_EQ(comm_.upload_dirs[0].second, Local("tree"));
}

TEST_F(FileTest, DirectoryWithoutSlashToDestinationWithSlash) {
  ASSERT_TRUE(Provision(fmt::format(R"({{"source": "{}", "destination": "/opt/"}})", Local("tree"))));
  EXPECT_EQ(comm_.upload_dirs.at(0).first, "/opt/tree");
}

TEST_F(FileTest, DirectoryWithSlashUploadsItsContents) {
  ASSERT_TRUE(Provision(fmt::format(R"({{"source": "{}/", "destination": "/opt"}})", Local("tree"))));
  EXPECT_EQ(comm_.upload_dirs.at(0).first, "/opt");
  EXPECT_EQ(comm_.upload_dirs.at(0).second, Local("tree") + "/");
}

TEST_F(FileTest, SourcesGoIntoTheDirectory) {
  ASSERT_TRUE(Provision(
      fmt::format(R"({{"sources": ["{}", "{}"], "destination": "/srv/"}})", Local("app.conf"), Local("b.txt"))));
  ASSERT_EQ(comm_.uploads.size(), 2u);
  EXPECT_EQ(comm_.uploads[0].path, "/srv/app.conf");
  EXPECT_EQ(comm_.uploads[1].path, "/srv/b.txt");
  EXPECT_EQ(comm_.uploads[1].content, "bee");
}

TEST_F(FileTest, SourceIsAppendedToSources) {
  ASSERT_TRUE(Provision(fmt::format(R"({{"source": "{}", "sources": ["{}"], "destination": "/srv/"}})",
                                    Local("app.conf"), Local("b.txt"))));
  ASSERT_EQ(comm_.uploads.size(), 2u);
  EXPECT_EQ(comm_.uploads[0].path, "/srv/b.txt");
  EXPECT_EQ(comm_.uploads[1].path, "/srv/app.conf");
}

TEST_F(FileTest, ContentIsUploaded) {
  ASSERT_TRUE(Provision(R"({"content": "hello\nworld", "destination": "/etc/motd"})"));
  ASSERT_EQ(comm_.uploads.size(), 1u);
  EXPECT_EQ(comm_.uploads[0].path, "/etc/motd");
  EXPECT_EQ(comm_.uploads[0].content, "hello\nworld");
  EXPECT_EQ(comm_.uploads[0].size, 11u);
}

TEST_F(FileTest, ContentToADirectory) {
  ASSERT_TRUE(Provision(R"({"content": "x", "destination": "/etc/"})"));
  EXPECT_EQ(comm_.uploads.at(0).path, "/etc/pkr-file-content");
}

TEST_F(FileTest, GeneratedSourceMissingAtRunTime) {
  std::string src = Local("later.txt");
  Result<void> r = Provision(fmt::format(R"({{"source": "{}", "destination": "/tmp/", "generated": true}})", src));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, "cannot upload " + src);
}

TEST_F(FileTest, GeneratedSourceCreatedDuringTheBuild) {
  std::string src = Local("later.txt");
  Result<std::unique_ptr<engine::Provisioner>> p =
      MakeFile(Decode(fmt::format(R"({{"source": "{}", "destination": "/tmp/", "generated": true}})", src)));
  ASSERT_TRUE(p);
  Write("later.txt", "made");
  ASSERT_TRUE((*p)->Provision(ctx_, comm_));
  EXPECT_EQ(comm_.uploads.at(0).path, "/tmp/later.txt");
  EXPECT_EQ(comm_.uploads.at(0).content, "made");
}

TEST_F(FileTest, BuildValuesInPathsAreRenderedAtRunTime) {
  ctx_.SetBuildValue("ID", "c0ffee");
  ASSERT_TRUE(Provision(
      fmt::format(R"({{"source": "{}", "destination": "/tmp/{{{{build `ID`}}}}.conf"}})", Local("app.conf"))));
  EXPECT_EQ(comm_.uploads.at(0).path, "/tmp/c0ffee.conf");
}

// A FIFO as source used to block open() forever (deaf to Ctrl-C): it is
// refused when the template is checked...
TEST_F(FileTest, AFifoSourceIsRefusedAtValidate) {
  std::string fifo = Local("pipe");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  Result<json::Value> v = json::Parse(fmt::format(R"({{"source": "{}", "destination": "/tmp/x"}})", fifo), "t.json");
  ASSERT_TRUE(v);
  Diagnostics diags;
  interpolate::Context ictx;
  (void)tmpl::Decode(*v, Options(), ictx, "provisioner file", diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].Message(), fmt::format("t.json:1:12: source '{}' is a FIFO (named pipe): the file provisioner "
                                            "sends regular files and directories only",
                                            fifo));
}

// ... and, when it appears during the build (generated), at run time,
// without blocking.
TEST_F(FileTest, AFifoSourceIsRefusedAtRunTimeWithoutBlocking) {
  std::string fifo = Local("pipe");
  auto result = std::async(std::launch::async, [&] {
    Result<std::unique_ptr<engine::Provisioner>> p =
        MakeFile(Decode(fmt::format(R"({{"source": "{}", "destination": "/tmp/", "generated": true}})", fifo)));
    EXPECT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    return (*p)->Provision(ctx_, comm_);
  });
  if (result.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    UniqueFd writer(::open(fifo.c_str(), O_WRONLY | O_NONBLOCK));  // lets the blocked open() return
    result.wait();
    FAIL() << "the upload blocked on the FIFO";
  }
  Result<void> r = result.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, fmt::format("cannot upload {}: it is a FIFO (named pipe)", fifo));
  EXPECT_TRUE(comm_.uploads.empty());
}

TEST_F(FileTest, DownloadsAFileToAPath) {
  comm_.remote_files["/var/log/app.log"] = "log line\n";
  std::string dst = Local("out/logs/app.log");  // parents are created
  ASSERT_TRUE(
      Provision(fmt::format(R"({{"source": "/var/log/app.log", "destination": "{}", "direction": "download"}})", dst)));
  std::ifstream in(dst);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "log line\n");
  EXPECT_NE(out().find(fmt::format("Downloading /var/log/app.log => {}", dst)), std::string::npos) << out();
}

TEST_F(FileTest, DownloadsAFileIntoADirectory) {
  comm_.remote_files["/var/log/app.log"] = "x";
  std::string dst = Local("out") + "/";
  ASSERT_TRUE(
      Provision(fmt::format(R"({{"source": "/var/log/app.log", "destination": "{}", "direction": "download"}})", dst)));
  EXPECT_TRUE(fs::is_regular_file(Local("out/app.log")));
}

TEST_F(FileTest, DownloadsADirectory) {
  std::string dst = Local("out") + "/";
  ASSERT_TRUE(Provision(fmt::format(
      R"({{"sources": ["/var/log/", "/etc/*.conf"], "destination": "{}", "direction": "download"}})", dst)));
  ASSERT_EQ(comm_.download_dirs.size(), 2u);
  EXPECT_EQ(comm_.download_dirs[0].first, "/var/log/");
  EXPECT_EQ(comm_.download_dirs[0].second, dst);
  EXPECT_EQ(comm_.download_dirs[1].first, "/etc/*.conf");
  EXPECT_TRUE(fs::is_directory(Local("out")));
}

TEST_F(FileTest, DownloadFailureNamesBothEnds) {
  Result<void> r =
      Provision(fmt::format(R"({{"source": "/nope", "destination": "{}", "direction": "download"}})", Local("n")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().summary, fmt::format("cannot download /nope to {}", Local("n")));
}

TEST_F(FileTest, ContentCannotBeDownloaded) {
  // Prepare refuses it: while decoding (validate), positioned, and in the factory (build).
  Result<json::Value> v = json::Parse(R"({"content": "x", "destination": "/tmp/x", "direction": "download"})", "test.json");
  ASSERT_TRUE(v);
  Diagnostics diags;
  tmpl::DecodedConfig c = tmpl::Decode(*v, Options(), interpolate::Context{}, "provisioner file", diags);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].Message(),
            "test.json:1:13: content can only be uploaded: remove direction \"download\", or name the remote file in source");
  Result<std::unique_ptr<engine::Provisioner>> p = MakeFile(c);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().summary, "content can only be uploaded");
}

}  // namespace
}  // namespace kiln::provisioners::file
