#pragma once
// Small-block pool: per-thread free lists by size class (16-byte steps up to 4 KiB) for objects
// the simulation makes and destroys at a high rate: coroutine frames and message payloads
// (sim/box.h). A freed block waits on its class's list for the next allocation of that class,
// which costs a few instructions where malloc's per-thread cache (7 blocks a size) overflows
// as soon as hundreds of calls are in flight.
// Blocks go back to the system when their thread ends, never before: the pool holds at most the
// peak in use. A block may be freed on another thread than the one that made it (it joins that
// thread's lists). Under AddressSanitizer the pool steps aside, so freed frames stay poisoned
// and a use after free is still reported.
// Addresses never influence a run: nothing in the simulation orders or hashes by address.

#include <cstddef>
#include <new>

namespace sim::pool {

#if defined(__SANITIZE_ADDRESS__)

inline void* Allocate(size_t n) { return ::operator new(n); }
inline void Free(void* p, size_t /*n*/) { ::operator delete(p); }

#else

inline constexpr size_t kStep = 16;
// SQL and broker client call frames run 1.7-2.9 KiB: below this bound they are pooled too.
inline constexpr size_t kMax = 4096;

struct FreeLists {
  struct Block {
    Block* next;
  };
  Block* heads[kMax / kStep + 1] = {};
  bool alive = true;

  FreeLists() = default;
  FreeLists(const FreeLists&) = delete;
  FreeLists& operator=(const FreeLists&) = delete;
  ~FreeLists() {
    alive = false;
    for (Block*& head : heads) {
      while (head != nullptr) {
        Block* b = head;
        head = b->next;
        ::operator delete(b);
      }
    }
  }
};

inline FreeLists& ThreadLists() {
  thread_local FreeLists lists;
  return lists;
}

inline void* Allocate(size_t n) {
  if (n > kMax) return ::operator new(n);
  const size_t cls = (n + kStep - 1) / kStep;
  FreeLists& lists = ThreadLists();
  FreeLists::Block*& head = lists.heads[cls];
  if (head == nullptr) return ::operator new(cls * kStep);
  FreeLists::Block* b = head;
  head = b->next;
  return b;
}

// REQUIRES: n is the size p was allocated with.
inline void Free(void* p, size_t n) {
  FreeLists& lists = ThreadLists();
  if (n > kMax || !lists.alive) {
    ::operator delete(p);
    return;
  }
  auto* b = static_cast<FreeLists::Block*>(p);
  FreeLists::Block*& head = lists.heads[(n + kStep - 1) / kStep];
  b->next = head;
  head = b;
}

#endif

}  // namespace sim::pool
