// What one build made in the world (an instance, a security group, an AMI),
// what its cleanups removed and what it keeps as its artifact, in order, for
// the summary of a run that was interrupted: "made ..., removed ..., left
// ...". Builders record through BuildContext::Made / Removed / Kept with the
// same text for the same resource ("instance i-0abc"). Thread-safe; a
// build's steps and its summary share it.
#pragma once

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

namespace kiln::engine {

class ResourceLog {
 public:
  void Made(std::string what) {
    std::lock_guard lock(mu_);
    made_.push_back(std::move(what));
  }
  void Removed(std::string what) {
    std::lock_guard lock(mu_);
    removed_.push_back(std::move(what));
  }
  // Part of the artifact: neither removed nor left behind.
  void Kept(std::string what) {
    std::lock_guard lock(mu_);
    kept_.push_back(std::move(what));
  }
  std::vector<std::string> made() const {
    std::lock_guard lock(mu_);
    return made_;
  }
  std::vector<std::string> removed() const {
    std::lock_guard lock(mu_);
    return removed_;
  }
  // Made, and neither removed nor kept, in the order made.
  std::vector<std::string> left() const {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const std::string& m : made_)
      if (std::ranges::find(removed_, m) == removed_.end() && std::ranges::find(kept_, m) == kept_.end())
        out.push_back(m);
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> made_;
  std::vector<std::string> removed_;
  std::vector<std::string> kept_;
};

}  // namespace kiln::engine
