#pragma once
// Task<T>: a lazy, move-only coroutine.
//
// Rules that keep runs deterministic and stacks shallow (GCC 12 does not make symmetric
// transfer a tail call in Debug or sanitizer builds, ARCHITECTURE.md §3):
//   - Awaiting a task starts it at once, inside the awaiter's await_suspend, and the awaiter
//     goes on without suspending when the task finished during that start (a call that never
//     waited costs no event).
//   - A task that finishes later, inside some event, resumes its awaiter right there when the
//     awaiter's owner (node and epoch) is the one running, and otherwise posts the resumption
//     tagged with that owner, so it never outlives a crash of that node.
//   Both keep synchronous chains as shallow as the nesting of co_await in the code, never as
//   long as a sequence of awaits: a start returns to its awaiter as soon as the task first
//   suspends or finishes, and a finish during its own start is reported by done() rather than
//   by a resumption. This departs from "every resumption through the scheduler" (ARCHITECTURE.md
//   §3) for the two cases where the scheduler's event would run at the same instant, on the same
//   owner, immediately after the current one anyway; it halves the events of an RPC client.
//   - A Task owns its frame: destroying the Task destroys the frame, which destroys the tasks
//     it was awaiting. Crashing a node destroys its root frames and with them every frame
//     below; events still queued for them are discarded by the scheduler's epoch check.
//
// Exceptions are not part of the simulated world's vocabulary (errors are Result values); an
// exception escaping a task is rethrown into its awaiter, and escaping a root task it is a
// SIM_ASSERT failure.

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include "sim/assert.h"
#include "sim/pool.h"
#include "sim/scheduler.h"

namespace sim {

template <class T>
class Task;

namespace task_detail {

// Called when a root (spawned) task finishes; the registry destroys the frame.
class RootRegistry {
 public:
  virtual void OnRootDone(std::coroutine_handle<> h, uint32_t index) = 0;

 protected:
  ~RootRegistry() = default;
};

struct PromiseBase {
  std::coroutine_handle<> continuation;
  Owner continuation_owner;
  std::exception_ptr exception;
  RootRegistry* root_registry = nullptr;  // set for spawned roots
  uint32_t root_index = 0;
  bool starting = false;  // running inside its awaiter's await_suspend (Task::Awaiter)

  // Frames come from the small-block pool: a task per call is made and destroyed constantly.
  static void* operator new(size_t n) { return pool::Allocate(n); }
  static void operator delete(void* p, size_t n) { pool::Free(p, n); }

  std::suspend_always initial_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { exception = std::current_exception(); }

  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    template <class P>
    void await_suspend(std::coroutine_handle<P> h) noexcept {
      PromiseBase& p = h.promise();
      if (p.root_registry != nullptr) {
        SIM_ASSERT_MSG(!p.exception, "an exception escaped a spawned task");
        p.root_registry->OnRootDone(h, p.root_index);  // destroys h: touch nothing after
        return;
      }
      if (p.starting || !p.continuation) return;  // the starting awaiter sees done()
      // The awaiter may destroy h (it drops its Task): touch nothing after.
      Executor::Current().ResumeHereOrPost(p.continuation, p.continuation_owner);
    }
    void await_resume() const noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
};

template <class T>
struct Promise : PromiseBase {
  std::optional<T> value;
  Task<T> get_return_object();
  template <class U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
};

template <>
struct Promise<void> : PromiseBase {
  Task<void> get_return_object();
  void return_void() {}
};

}  // namespace task_detail

template <class T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = task_detail::Promise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  Task() = default;
  explicit Task(Handle h) : h_(h) {}
  Task(Task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Task& operator=(Task&& o) noexcept {
    if (this != &o) {
      Reset();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { Reset(); }

  bool valid() const { return static_cast<bool>(h_); }
  bool done() const { return h_ && h_.done(); }
  // Gives up ownership of the frame (used by Spawn).
  Handle Release() { return std::exchange(h_, {}); }

  struct Awaiter {
    Handle h;
    bool await_ready() const noexcept { return false; }
    // Starts the task here; false (go on at once) when it finished during the start.
    bool await_suspend(std::coroutine_handle<> awaiting) {
      task_detail::PromiseBase& p = h.promise();
      p.continuation = awaiting;
      p.continuation_owner = Executor::Current().CurrentOwner();
      p.starting = true;
      h.resume();
      p.starting = false;
      return !h.done();
    }
    T await_resume() {
      if (h.promise().exception) std::rethrow_exception(h.promise().exception);
      if constexpr (!std::is_void_v<T>) return std::move(*h.promise().value);
    }
  };
  Awaiter operator co_await() & {
    SIM_ASSERT(h_);
    return Awaiter{h_};
  }
  Awaiter operator co_await() && {
    SIM_ASSERT(h_);
    return Awaiter{h_};
  }

 private:
  void Reset() {
    if (h_) h_.destroy();
    h_ = {};
  }
  Handle h_;
};

namespace task_detail {
template <class T>
Task<T> Promise<T>::get_return_object() {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
}  // namespace task_detail

// co_await Sleep(d): resumes after d of virtual time (on the executor's clock).
struct SleepAwaiter {
  Duration d;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const {
    Executor& ex = Executor::Current();
    ex.ResumeAt(ex.Now() + (d > Duration::Zero() ? d : Duration::Zero()), h, ex.CurrentOwner());
  }
  void await_resume() const noexcept {}
};
inline SleepAwaiter Sleep(Duration d) { return SleepAwaiter{d}; }
// co_await Yield(): lets every other event due now run first.
inline SleepAwaiter Yield() { return SleepAwaiter{Duration::Zero()}; }

}  // namespace sim
