#include "clients/docker/tar_stream.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstring>
#include <memory>
#include <sstream>

#include "clients/docker/test_util.h"

namespace kiln::clients::docker {
namespace {

namespace fs = std::filesystem;
using testing::Pattern;
using testing::ReadAll;
using testing::ScratchDir;
using testing::WriteFile;

// The whole tar, read through small buffers as curl would.
Result<std::string> Drain(TarWriter& w, size_t buf_size = 1000) {
  std::string out, buf(buf_size, '\0');
  for (;;) {
    Result<size_t> n = w.Read(buf);
    if (!n) return std::unexpected(n.error());
    if (*n == 0) return out;
    out.append(buf.data(), *n);
  }
}

// A ByteSource over a string, `step` bytes at a time.
ByteSource StringSource(const std::string& s, size_t step = 777) {
  auto pos = std::make_shared<size_t>(0);
  return [&s, pos, step](std::span<char> buf) -> Result<size_t> {
    size_t n = std::min({buf.size(), step, s.size() - *pos});
    std::memcpy(buf.data(), s.data() + *pos, n);
    *pos += n;
    return n;
  };
}

TEST(TarStreamTest, RoundTripsFilesStreamsAndTrees) {
  ScratchDir src, dst;
  std::string big = Pattern(3 * 1024 * 1024 + 17);  // several 256 KiB chunks and an odd tail
  WriteFile(src.path() / "big.bin", big);
  WriteFile(src.path() / "tree/a.txt", "a\n");
  WriteFile(src.path() / "tree/sub/b.sh", "#!/bin/sh\n");
  fs::permissions(src.path() / "tree/sub/b.sh", fs::perms(0755));
  fs::create_directories(src.path() / "tree/empty");
  fs::create_symlink("sub/b.sh", src.path() / "tree/link");

  std::istringstream stream("from a stream");
  TarWriter w;
  w.AddFile(src.path() / "big.bin", "/up/big.bin", 0600);
  w.AddStream(stream, 13, "up/stream.txt", 0640);
  w.AddDirectory(src.path() / "tree", "tree");
  Result<std::string> tar = Drain(w);
  ASSERT_TRUE(tar) << tar.error().Message();
  EXPECT_EQ(tar->size() % 512, 0u);

  Result<void> r = ExtractTar(StringSource(*tar), dst.path());
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(ReadAll(dst.path() / "up/big.bin"), big);
  EXPECT_EQ(fs::status(dst.path() / "up/big.bin").permissions(), fs::perms(0600));
  EXPECT_EQ(ReadAll(dst.path() / "up/stream.txt"), "from a stream");
  EXPECT_EQ(fs::status(dst.path() / "up/stream.txt").permissions(), fs::perms(0640));
  EXPECT_EQ(ReadAll(dst.path() / "tree/a.txt"), "a\n");
  EXPECT_EQ(fs::status(dst.path() / "tree/sub/b.sh").permissions(), fs::perms(0755));
  EXPECT_TRUE(fs::is_directory(dst.path() / "tree/empty"));
  EXPECT_EQ(fs::read_symlink(dst.path() / "tree/link"), "sub/b.sh");
}

TEST(TarStreamTest, EmptyPrefixPutsContentsAtTheTop) {
  ScratchDir src, dst;
  WriteFile(src.path() / "x/y.txt", "y");
  TarWriter w;
  w.AddDirectory(src.path(), "");
  Result<std::string> tar = Drain(w);
  ASSERT_TRUE(tar);
  ASSERT_TRUE(ExtractTar(StringSource(*tar), dst.path()));
  EXPECT_EQ(ReadAll(dst.path() / "x/y.txt"), "y");
}

TEST(TarStreamTest, ShortStreamAndMissingFileAreErrors) {
  std::istringstream stream("abc");
  TarWriter w;
  w.AddStream(stream, 10, "s.txt");
  Result<std::string> tar = Drain(w);
  ASSERT_FALSE(tar);
  EXPECT_EQ(tar.error().Message(), "cannot read s.txt: it ended 7 bytes early");

  TarWriter w2;
  w2.AddFile("/nonexistent/kiln", "x");
  tar = Drain(w2);
  ASSERT_FALSE(tar);
  EXPECT_EQ(tar.error().Message(), "cannot read /nonexistent/kiln: No such file or directory");
}

TEST(TarStreamTest, ReadFirstEntry) {
  ScratchDir src;
  WriteFile(src.path() / "f.txt", "hello");
  fs::create_directories(src.path() / "d");
  {
    TarWriter w;
    w.AddFile(src.path() / "f.txt", "f.txt");
    w.AddFile(src.path() / "f.txt", "second.txt");
    std::string tar = *Drain(w);
    std::ostringstream out;
    Result<TarEntryInfo> e = ReadFirstEntry(StringSource(tar), out);
    ASSERT_TRUE(e) << e.error().Message();
    EXPECT_EQ(e->type, TarEntryInfo::Type::kFile);
    EXPECT_EQ(out.str(), "hello");
  }
  {
    TarWriter w;
    w.AddDirectory(src.path() / "d", "d");
    std::string tar = *Drain(w);
    std::ostringstream out;
    Result<TarEntryInfo> e = ReadFirstEntry(StringSource(tar), out);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->type, TarEntryInfo::Type::kDirectory);
    EXPECT_EQ(out.str(), "");
  }
}

// A tar with one entry named `name`, made by libarchive directly.
std::string TarWithEntry(const char* name) {
  std::string out(64 * 1024, '\0');
  size_t used = 0;
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  archive_write_open_memory(a, out.data(), out.size(), &used);
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, name);
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_size(e, 1);
  archive_write_header(a, e);
  archive_write_data(a, "x", 1);
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

TEST(TarStreamTest, RefusesUnsafePaths) {
  ScratchDir dst;
  for (const char* name : {"../escape.txt", "a/../../escape.txt", "/etc/escape.txt"}) {
    std::string tar = TarWithEntry(name);
    Result<void> r = ExtractTar(StringSource(tar), dst.path() / "out");
    ASSERT_FALSE(r) << name;
    EXPECT_TRUE(r.error().summary.starts_with("refusing to extract")) << r.error().Message();
  }
  EXPECT_FALSE(fs::exists(dst.path() / "escape.txt"));
}

TEST(TarStreamTest, SourceErrorIsReported) {
  ScratchDir dst;
  ByteSource failing = [](std::span<char>) -> Result<size_t> { return std::unexpected(MakeError("connection lost")); };
  Result<void> r = ExtractTar(failing, dst.path());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().Message(), "connection lost");
}

}  // namespace
}  // namespace kiln::clients::docker
