#pragma once
// Always-on invariant checks for bugs in the Redis model itself (never for verdicts about the
// system under test). This mirrors SIM_ASSERT from sim/assert.h; that one needs sim/assert.cc,
// which is not part of the header-only mallsim_sim_base this library links, so the model uses
// this self-contained twin until it can link the kernel library.

#include <cstdio>
#include <cstdlib>

#define REDIS_MODEL_CHECK(cond)                                                       \
  do {                                                                                \
    if (!(cond)) [[unlikely]] {                                                       \
      std::fprintf(stderr, "%s:%d: REDIS_MODEL_CHECK(%s) failed\n", __FILE__, __LINE__, \
                   #cond);                                                            \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)
