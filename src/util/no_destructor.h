// Holds a T that is never destroyed: for process-wide objects that atexit
// handlers and other static destructors may still use.
//
//   static NoDestructor<Output> process(stdout, stderr);
#pragma once

#include <utility>

namespace kiln {

template <typename T>
class NoDestructor {
 public:
  template <typename... Args>
  explicit NoDestructor(Args&&... args) : value_(std::forward<Args>(args)...) {}
  ~NoDestructor() {}  // deliberately leaves value_ alone
  NoDestructor(const NoDestructor&) = delete;
  NoDestructor& operator=(const NoDestructor&) = delete;

  T& get() { return value_; }
  T* operator->() { return &value_; }

 private:
  union {
    T value_;
  };
};

}  // namespace kiln
