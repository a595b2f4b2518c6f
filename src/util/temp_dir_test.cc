#include "util/temp_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

namespace kiln {
namespace {

namespace fs = std::filesystem;

TEST(TempDir, IsPrivateAndRemovedWithItsContents) {
  fs::path path;
  {
    Result<TempDir> dir = TempDir::Create("kiln-test-");
    ASSERT_TRUE(dir) << dir.error().Message();
    path = dir->path();
    EXPECT_TRUE(fs::is_directory(path));
    EXPECT_EQ(path.filename().string().rfind("kiln-test-", 0), 0u);
    struct stat st;
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    fs::create_directories(path / "a" / "b");
    std::ofstream(path / "a" / "b" / "f") << "x";
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST(TempDir, ReleaseKeepsIt) {
  fs::path path;
  {
    TempDir dir = *TempDir::Create();
    path = dir.Release();
    EXPECT_TRUE(dir.path().empty());
  }
  EXPECT_TRUE(fs::is_directory(path));
  fs::remove_all(path);
}

TEST(TempDir, ResetTwiceAndMove) {
  TempDir a = *TempDir::Create();
  fs::path path = a.path();
  TempDir b = std::move(a);
  EXPECT_TRUE(a.path().empty());
  EXPECT_EQ(b.path(), path);
  b.Reset();
  b.Reset();
  EXPECT_FALSE(fs::exists(path));
  TempDir c = *TempDir::Create();
  fs::path other = c.path();
  c = *TempDir::Create();  // assigning removes the old one
  EXPECT_FALSE(fs::exists(other));
}

TEST(TempDir, HonoursTmpdir) {
  TempDir root = *TempDir::Create();
  const char* old = std::getenv("TMPDIR");
  std::string saved = old ? old : "";
  ::setenv("TMPDIR", root.path().c_str(), 1);
  Result<TempDir> inner = TempDir::Create();
  Result<TempFile> file = TempFile::Create();
  if (old)
    ::setenv("TMPDIR", saved.c_str(), 1);
  else
    ::unsetenv("TMPDIR");
  ASSERT_TRUE(inner);
  ASSERT_TRUE(file);
  EXPECT_EQ(inner->path().parent_path(), root.path());
  EXPECT_EQ(file->path().parent_path(), root.path());
}

TEST(TempDir, FailsNamingTheDirectory) {
  Result<TempDir> dir = TempDir::Create("no-such-dir/x-");
  ASSERT_FALSE(dir);
  EXPECT_NE(dir.error().summary.find("cannot create a temporary directory"), std::string::npos);
  EXPECT_NE(dir.error().summary.find("no-such-dir/x-"), std::string::npos);
  EXPECT_FALSE(TempFile::Create("no-such-dir/x-"));
}

TEST(TempFile, IsPrivateWithSuffixAndRemoved) {
  fs::path path;
  {
    Result<TempFile> file = TempFile::Create("packer-shell", ".sh");
    ASSERT_TRUE(file) << file.error().Message();
    path = file->path();
    EXPECT_TRUE(fs::is_regular_file(path));
    EXPECT_EQ(path.extension(), ".sh");
    EXPECT_EQ(path.filename().string().rfind("packer-shell", 0), 0u);
    struct stat st;
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    std::ofstream(path) << "content";
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST(TempFile, ReleaseAndMove) {
  TempFile a = *TempFile::Create();
  TempFile b = std::move(a);
  EXPECT_TRUE(a.path().empty());
  fs::path kept = b.Release();
  EXPECT_TRUE(fs::exists(kept));
  fs::remove(kept);
}

}  // namespace
}  // namespace kiln
