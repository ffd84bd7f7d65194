#pragma once
// Shared machinery of the Redis conformance test: connecting to the real server, generating
// command sequences, running one sequence against a fresh RedisModel, the real server (through
// the HiredisClient port) and a simulated RedisServer node (through the SimRedisClient port),
// with virtual time following real time, and the comparison rules.
//
// Timing discipline (why generated TTLs look odd): virtual time only moves in sleep steps of
// whole quanta (kQuantumMs), and the real side sleeps until the same absolute instant after
// its start, so real time runs ahead of virtual time by a small drift (command round trips).
// Every generated relative TTL is an odd multiple of half a quantum (40, 120, 200 ms ...; EX
// 1 and 3 s are too), so each deadline lies at least half a quantum (40 ms) away from every
// instant at which a command is observed. While the drift stays under kDriftBudgetMs, both
// sides therefore agree on whether a key has expired, and TTL values differ by at most the
// drift. A sequence whose drift exceeded the budget and whose replies disagreed is discarded
// (the machine was too loaded to tell), never counted as a pass or a model bug.

#include <array>
#include <chrono>
#include <ostream>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "models/redis/real/hiredis_client.h"
#include "models/redis/real/hiredis_connection.h"
#include "models/redis/redis_model.h"
#include "models/redis/scripts.h"
#include "models/redis/sim_redis_client.h"
#include "sim/world.h"

namespace redis_conformance {

using models::redis::Argv;
using models::redis::Reply;

inline constexpr int64_t kQuantumMs = 80;
inline constexpr int64_t kDriftBudgetMs = 30;
// PTTL may differ by the drift plus 1 ms of clock-phase rounding between the two clocks.
inline constexpr int64_t kPttlToleranceMs = kDriftBudgetMs + 2;
inline constexpr int kDatabase = 9;  // the test owns this logical database and flushes it
// The generated sequences' whole key space: few keys, so types collide (WRONGTYPE).
inline constexpr std::array<const char*, 3> kKeys = {"ms:a", "ms:b", "ms:c"};

// One step of a sequence: a command, or (sleep_quanta > 0) a pause of that many quanta after
// which the model runs an active expiry cycle only when active_expire is set, so both lazy
// and active expiry meet the real server's (uncontrollable) active expiry.
struct Step {
  Argv argv;
  int64_t sleep_quanta = 0;
  bool active_expire = false;
};

void showValue(const Step& step, std::ostream& os);

// Connects to 127.0.0.1:$MALLSIM_REDIS_PORT (default 6390) and SELECTs kDatabase; on failure
// the error text says how to start the servers.
models::redis::real::HiredisConnection ConnectOrThrow();

// The real server through the HiredisClient port; a World is only the executor of its tasks.
// Transport failures throw (the test cannot judge without the server).
class RealPort {
 public:
  RealPort() : client_(ConnectOrThrow()), executor_(0) {}
  Reply Command(Argv argv);
  Reply Eval(const models::redis::Script& script, const std::vector<std::string>& keys,
             const std::vector<std::string>& args);

 private:
  Reply Run(sim::Task<sim::Result<Reply>> task);

  models::redis::real::HiredisClient client_;
  sim::World executor_;
};

// A fresh RedisServer node (default config: no persistence, serverCron every 100 ms) reached
// through the SimRedisClient port. Links have no latency, so the server's model sees exactly
// the virtual time the test's direct model is given.
class SimPort {
 public:
  SimPort();
  SimPort(const SimPort&) = delete;
  SimPort& operator=(const SimPort&) = delete;

  Reply Command(Argv argv);
  Reply Eval(const models::redis::Script& script, const std::vector<std::string>& keys,
             const std::vector<std::string>& args);
  // Runs the world (the server's timers) up to t.
  void AdvanceTo(sim::Instant t);

 private:
  Reply Run(sim::Task<sim::Result<Reply>> task);

  sim::World world_;
  models::redis::RedisModel model_;
  sim::Node* server_ = nullptr;
  std::optional<models::redis::SimRedisClient> client_;
};

rc::Gen<Argv> GenCommand();
// A sequence of commands without pauses.
rc::Gen<std::vector<Step>> GenUntimedSequence();
// 1..max_sleeps pauses of 1..2 quanta between short runs of commands biased towards expiry.
rc::Gen<std::vector<Step>> GenTimedSequence(int max_sleeps);

// Replies agree when equal, except: SMEMBERS / HGETALL compare as sets (real order is
// unspecified); PTTL within kPttlToleranceMs; TTL within the rounding of the model's PTTL
// +- kPttlToleranceMs (model_pttl, the model's PTTL of the key just before, when known) or
// else +-1 s; EXPIRE/PEXPIRE with GT or LT may answer 0 vs 1 when the new deadline equals
// the old one in virtual time (model_pttl == requested TTL; always accepted inside EXEC,
// where the tie cannot be seen); EXEC arrays element by element under the rules of the
// queued commands.
bool RepliesAgree(const Argv& command, const Reply& model, const Reply& real,
                  const std::vector<Argv>& exec_queue, std::optional<int64_t> model_pttl);

struct Outcome {
  bool agreed = true;
  bool port_agreed = true;  // SimRedisClient's replies equalled the direct model's
  int64_t max_drift_ms = 0;
  std::string transcript;  // every step with both replies, the first disagreement marked
};

class SequenceRunner {
 public:
  explicit SequenceRunner(RealPort& real) : real_(real) {}
  // Runs steps on a fresh model, the flushed real database (through HiredisClient) and a fresh
  // RedisServer node (through SimRedisClient, whose replies must equal the direct model's
  // exactly: same model, same virtual times, active expiry is invisible to every command but
  // DBSIZE, which the sweep below covers). Before each DBSIZE all sides
  // get an EXISTS of every key: the real server's active expiry removes expired keys at
  // moments the test cannot control, and DBSIZE counts expired keys not yet removed, so the
  // sweep makes both sides remove them first (a lazy expiry, itself compared).
  Outcome Run(const std::vector<Step>& steps);
  int64_t total_sleep_ms() const { return total_sleep_ms_; }

 private:
  Reply Real(const Argv& argv);

  RealPort& real_;
  int64_t total_sleep_ms_ = 0;
};

}  // namespace redis_conformance
