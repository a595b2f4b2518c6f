#include "clients/docker/json_messages.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::clients::docker {
namespace {

TEST(JsonMessageStreamTest, ProgressThenError) {
  std::vector<ProgressMessage> seen;
  JsonMessageStream s([&](const ProgressMessage& m) { seen.push_back(m); });
  std::string text =
      "{\"status\":\"Pulling from library/debian\",\"id\":\"bookworm\"}\r\n"
      "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1},\"progress\":\"[=>  ]\",\"id\":\"a1\"}\n"
      "{\"errorDetail\":{\"message\":\"manifest unknown\"},\"error\":\"manifest unknown\"}\n";
  for (size_t i = 0; i < text.size(); i += 7) s.Feed(std::string_view(text).substr(i, 7));
  s.Finish();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].id, "bookworm");
  EXPECT_EQ(seen[1].progress, "[=>  ]");
  EXPECT_EQ(seen[2].error, "manifest unknown");
  ASSERT_TRUE(s.error());
  EXPECT_EQ(*s.error(), "manifest unknown");
}

TEST(JsonMessageStreamTest, PushDigest) {
  JsonMessageStream s(nullptr);
  s.Feed("{\"status\":\"Pushed\",\"id\":\"a1\"}\n{\"status\":\"latest: digest: sha256:feed size: 528\"}\n");
  EXPECT_EQ(s.digest(), "sha256:feed");
  s.Feed("{\"progressDetail\":{},\"aux\":{\"Tag\":\"latest\",\"Digest\":\"sha256:beef\",\"Size\":528}}\n");
  EXPECT_EQ(s.digest(), "sha256:beef");
  EXPECT_FALSE(s.error());
}

TEST(JsonMessageStreamTest, ImportIdAndNonJson) {
  std::vector<std::string> statuses;
  JsonMessageStream s([&](const ProgressMessage& m) { statuses.push_back(m.status); });
  s.Feed("plain text\n{\"status\":\"sha256:1234\"}");
  s.Finish();
  EXPECT_EQ(statuses, (std::vector<std::string>{"plain text", "sha256:1234"}));
  EXPECT_EQ(s.last_status(), "sha256:1234");
}

}  // namespace
}  // namespace kiln::clients::docker
