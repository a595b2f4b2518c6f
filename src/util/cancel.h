// Cancellation shared by everything a build runs: Ctrl-C (or a failed
// parallel build with -on-error=abort) trips the token; steps stop starting,
// blocking calls (docker exec, waits, sleeps) return early, cleanups run.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace kiln {

class CancelToken {
 public:
  void Cancel() {
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
    }
    cv_.notify_all();
  }
  bool cancelled() const { return cancelled_.load(); }

  // Sleeps for `d`; returns false early if cancelled (then the caller stops).
  template <typename Rep, typename Period>
  bool SleepFor(std::chrono::duration<Rep, Period> d) const {
    std::unique_lock lock(mu_);
    return !cv_.wait_for(lock, d, [this] { return cancelled_.load(); });
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace kiln
