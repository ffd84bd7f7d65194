#pragma once
// A simulated process. Fault model:
//   - Boot: a closure run at start and again at every restart; it spawns the node's tasks and
//     creates its volatile state (Keep).
//   - Crash: every coroutine frame of the node is destroyed (destructors run; nothing of it
//     ever resumes), its volatile state is dropped, the network forgets its ports and loses
//     what was in flight to it, and its disk keeps synced writes and, under
//     DiskLoss::kUnsynced, a seed-chosen subset of unsynced ones. A crash requested by code
//     running on the node itself takes effect at once for the outside world (the node is
//     down, sends nothing more) and the frames are destroyed right after the current event.
//   - Restart: the boot closure runs again over the surviving disk.
//   - Pause/Resume (GC pause, SIGSTOP): nothing of the node runs and its incoming messages
//     wait; time goes on for everyone else; parked work resumes in order.
//   - Clock: a local wall clock = global time + offset + drift (ppm, accumulated) + jumps.
//     Env::Sleep on the node is scaled by the drift; timers never see offsets or jumps, as a
//     monotonic clock does not.

#include <coroutine>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/disk.h"
#include "sim/rng.h"
#include "sim/scheduler.h"
#include "sim/task.h"
#include "sim/time.h"

namespace sim {

class World;
class Env;

class NodeClock {
 public:
  Instant Local(Instant global) const;
  // Local wall clock reading minus global time, at `global`.
  Duration Skew(Instant global) const { return Local(global) - global; }
  void SetOffset(Duration offset) { offset_ = offset; }
  void Jump(Duration by) { offset_ += by; }
  // Drift in parts per million from `global` on (positive: the clock runs fast).
  void SetDrift(int64_t ppm, Instant global);
  int64_t drift_ppm() const { return drift_ppm_; }
  // How much global time passes while the node's clock measures `local_span`.
  Duration GlobalSpan(Duration local_span) const;

 private:
  Duration offset_;
  Duration drift_accumulated_;
  Instant drift_anchor_;
  int64_t drift_ppm_ = 0;
};

class Node final : private task_detail::RootRegistry {
 public:
  using BootFn = std::function<void(Env)>;

  Node(World& world, NodeId id, std::string name, BootFn boot);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  NodeId id() const { return id_; }
  const std::string& name() const { return name_; }
  bool up() const { return up_; }
  bool paused() const { return paused_; }
  uint32_t incarnation() const { return incarnation_; }
  size_t live_tasks() const { return roots_.size(); }

  // REQUIRES: !up(). Start and Restart are the same act: run the boot closure.
  void Start();
  // Returns false (and changes nothing) when the node was already down.
  bool Crash(DiskLoss loss = DiskLoss::kUnsynced);
  bool Pause();
  bool Resume();

  Env env();
  // Runs `task` on this node; dropped at once when the node is down.
  void Spawn(Task<void> task);
  // Volatile state owned by the current incarnation, destroyed on crash after the tasks.
  template <class T, class... Args>
  T& Keep(Args&&... args) {
    auto p = std::make_shared<T>(std::forward<Args>(args)...);
    T& ref = *p;
    state_.push_back(std::move(p));
    return ref;
  }

  Disk& disk() { return disk_; }
  NodeClock& clock() { return clock_; }
  Rng& rng() { return rng_; }

 private:
  void OnRootDone(std::coroutine_handle<> h, uint32_t index) override;
  void Bury();  // destroys frames and state of dead incarnations
  static void BuryThunk(void* ctx, uint64_t);

  World& world_;
  NodeId id_;
  std::string name_;
  BootFn boot_;
  bool up_ = false;
  bool paused_ = false;
  uint32_t incarnation_ = 0;
  std::vector<std::coroutine_handle<>> roots_;
  std::vector<std::shared_ptr<void>> state_;
  // Frames and state of a crashed incarnation, awaiting destruction after the current event.
  std::vector<std::coroutine_handle<>> grave_roots_;
  std::vector<std::shared_ptr<void>> grave_state_;
  Disk disk_;
  NodeClock clock_;
  Rng rng_;
  Rng disk_rng_;
};

}  // namespace sim
