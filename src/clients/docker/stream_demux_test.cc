#include "clients/docker/stream_demux.h"

#include "ui/output.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace kiln::clients::docker {
namespace {

std::string Frame(uint8_t stream, std::string_view payload) {
  std::string out(8, '\0');
  out[0] = static_cast<char>(stream);
  uint32_t n = static_cast<uint32_t>(payload.size());
  out[4] = static_cast<char>(n >> 24);
  out[5] = static_cast<char>(n >> 16);
  out[6] = static_cast<char>(n >> 8);
  out[7] = static_cast<char>(n);
  return out + std::string(payload);
}

struct Collected {
  std::vector<std::string> out, err;
  std::string system_error;
};

// Feeds `bytes` to a decoder in pieces of the sizes `chunk(i)` returns.
template <typename ChunkFn>
Collected Decode(const std::string& bytes, ChunkFn chunk) {
  Collected c;
  ExecOutputDecoder d([&](std::string_view l) { c.out.emplace_back(l); },
                      [&](std::string_view l) { c.err.emplace_back(l); });
  for (size_t pos = 0, i = 0; pos < bytes.size(); ++i) {
    size_t n = std::min(bytes.size() - pos, std::max<size_t>(1, chunk(i)));
    EXPECT_TRUE(d.Feed(std::string_view(bytes).substr(pos, n)));
    pos += n;
  }
  EXPECT_FALSE(d.truncated());
  d.Finish();
  c.system_error = d.system_error();
  return c;
}

TEST(StreamDemuxTest, InterleavedStreamsInEveryChunkSize) {
  // Lines split across frames, a zero-length frame, CRLF, a trailing partial
  // line on each stream.
  std::string bytes = Frame(1, "out one\nout t") + Frame(2, "err one\n") + Frame(1, "") + Frame(1, "wo\r\n") +
                      Frame(2, "err two\nerr par") + Frame(2, "tial") + Frame(1, "\n\nlast");
  const std::vector<std::string> want_out = {"out one", "out two", "", "", "last"};
  const std::vector<std::string> want_err = {"err one", "err two", "err partial"};
  for (size_t size = 1; size <= bytes.size(); ++size) {
    Collected c = Decode(bytes, [&](size_t) { return size; });
    EXPECT_EQ(c.out, want_out) << "chunk size " << size;
    EXPECT_EQ(c.err, want_err) << "chunk size " << size;
  }
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    Collected c = Decode(bytes, [&](size_t) { return rng() % 13; });
    EXPECT_EQ(c.out, want_out);
    EXPECT_EQ(c.err, want_err);
  }
}

TEST(StreamDemuxTest, LargeFrameLengthIsBigEndian) {
  std::string payload(70000, 'x');  // needs the third length byte
  payload += '\n';
  Collected c = Decode(Frame(1, payload), [](size_t) { return 4096; });
  ASSERT_EQ(c.out.size(), 1u);
  EXPECT_EQ(c.out[0].size(), 70000u);
}

TEST(StreamDemuxTest, SystemErrorFrameIsCollected) {
  Collected c = Decode(Frame(1, "hi\n") + Frame(3, "oci runtime exec failed"), [](size_t) { return 3; });
  EXPECT_EQ(c.out, std::vector<std::string>{"hi"});
  EXPECT_EQ(c.system_error, "oci runtime exec failed");
}

TEST(StreamDemuxTest, GarbledHeaderIsReported) {
  ExecOutputDecoder d(nullptr, nullptr);
  EXPECT_FALSE(d.Feed("HTTP/1.1 500 oops\r\n"));
}

TEST(StreamDemuxTest, TruncatedFrame) {
  ExecOutputDecoder d(nullptr, nullptr);
  EXPECT_TRUE(d.Feed(Frame(1, "abcdef").substr(0, 10)));
  EXPECT_TRUE(d.truncated());
}

TEST(LineSplitterTest, SplitsAndFlushes) {
  std::vector<std::string> lines;
  LineSplitter s([&](std::string_view l) { lines.emplace_back(l); });
  s.Feed("a\nb");
  s.Feed("c\r\n\n");
  s.Feed("tail");
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "bc", ""}));
  s.Finish();
  EXPECT_EQ(lines.back(), "tail");
  s.Finish();  // nothing left: no extra line
  EXPECT_EQ(lines.size(), 4u);
}

TEST(LineSplitterTest, LongLinesComeInPieces) {
  std::vector<std::string> lines;
  LineSplitter s([&](std::string_view l) { lines.emplace_back(l); }, /*max_line=*/4);
  s.Feed("abcd");  // exactly max: held until we know whether a newline follows
  s.Feed("\n");
  s.Feed("0123456789\n");
  s.Feed("xy");
  s.Feed("zwvu");
  s.Finish();
  EXPECT_EQ(lines, (std::vector<std::string>{"abcd", "0123", "4567", "89", "xyzw", "vu"}));
}

// A secret that straddles max_line is not printed in two halves (each
// piece is masked on its own): the cut moves to where the secret starts.
TEST(LineSplitterTest, NeverCutsASecretInTwo) {
  ui::Output& output = ui::Output::Process();  // what exec output is printed through
  output.AddSecret("kiln-straddle-s3cret");
  for (std::size_t feed : {std::size_t{1}, std::size_t{7}, std::size_t{1000}}) {
    std::vector<std::string> lines;
    LineSplitter s([&](std::string_view l) { lines.emplace_back(output.Mask(l)); }, /*max_line=*/24);
    std::string text = "0123456789kiln-straddle-s3cret-tail-0123456789kiln-straddle-s3cret\nnext\n";
    for (std::size_t i = 0; i < text.size(); i += feed) s.Feed(std::string_view(text).substr(i, feed));
    s.Finish();
    EXPECT_EQ(lines, (std::vector<std::string>{"0123456789", "<sensitive>-tai", "l-0123456789", "<sensitive>",
                                               "next"}))
        << feed;
  }
}

}  // namespace
}  // namespace kiln::clients::docker
