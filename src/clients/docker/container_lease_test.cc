#include "clients/docker/container_lease.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "clients/docker/fake_docker_api.h"

namespace kiln::clients::docker {
namespace {

using Calls = std::vector<std::string>;

class ContainerLeaseTest : public ::testing::Test {
 protected:
  Result<ContainerLease> Start() { return ContainerLease::Start(api_, ContainerConfig{.image = "i", .name = "n"}); }
  std::shared_ptr<testing::FakeDockerApi> api_ = std::make_shared<testing::FakeDockerApi>();
};

TEST_F(ContainerLeaseTest, TheDestructorRemovesTheContainer) {
  {
    Result<ContainerLease> lease = Start();
    ASSERT_TRUE(lease) << lease.error().Message();
    EXPECT_EQ(lease->id(), "c0ffee");
    EXPECT_EQ(api_->calls, (Calls{"create n i", "start c0ffee"}));
  }
  EXPECT_EQ(api_->calls, (Calls{"create n i", "start c0ffee", "rm c0ffee"}));
}

TEST_F(ContainerLeaseTest, ResetRemovesOnceEvenWhenTheEngineRefuses) {
  Result<ContainerLease> lease = Start();
  ASSERT_TRUE(lease);
  api_->remove_error = MakeError("docker rm c0ffee", "500: busy");
  Result<void> reset = lease->Reset();
  ASSERT_FALSE(reset);
  EXPECT_EQ(reset.error().Message(), "docker rm c0ffee: 500: busy");
  EXPECT_TRUE(lease->empty());
  EXPECT_TRUE(lease->Reset());  // a second reset is a no-op
  EXPECT_EQ(std::count(api_->calls.begin(), api_->calls.end(), "rm c0ffee"), 1);
}

TEST_F(ContainerLeaseTest, ReleaseLeavesTheContainer) {
  {
    Result<ContainerLease> lease = Start();
    ASSERT_TRUE(lease);
    EXPECT_EQ(lease->Release(), "c0ffee");
    EXPECT_TRUE(lease->empty());
  }
  EXPECT_EQ(api_->calls, (Calls{"create n i", "start c0ffee"}));
}

TEST_F(ContainerLeaseTest, AMoveHandsOverTheContainer) {
  ContainerLease outer;
  {
    Result<ContainerLease> lease = Start();
    ASSERT_TRUE(lease);
    outer = std::move(*lease);
  }
  EXPECT_EQ(outer.id(), "c0ffee");
  EXPECT_EQ(api_->calls, (Calls{"create n i", "start c0ffee"}));
  outer = ContainerLease();  // assigning over a lease removes what it held
  EXPECT_EQ(api_->calls.back(), "rm c0ffee");
}

TEST_F(ContainerLeaseTest, AContainerThatDoesNotStartIsRemovedAtOnce) {
  api_->start_error = MakeError("docker start c0ffee", "400: bad runtime");
  Result<ContainerLease> lease = Start();
  ASSERT_FALSE(lease);
  EXPECT_EQ(lease.error().Message(), "docker start c0ffee: 400: bad runtime");
  EXPECT_EQ(api_->calls, (Calls{"create n i", "start c0ffee", "rm c0ffee"}));
}

TEST_F(ContainerLeaseTest, AFailedCreateHasNothingToRemove) {
  api_->create_error = MakeError("docker create n", "404: No such image: i");
  EXPECT_FALSE(Start());
  EXPECT_EQ(api_->calls, (Calls{"create n i"}));
}

}  // namespace
}  // namespace kiln::clients::docker
