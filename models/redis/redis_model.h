#pragma once
// Fidelity contract: a single Redis 7.0 server (one logical database), driven synchronously
// with the node's clock passed into every call, for use as a simulated node.
//
// Models: the commands of commands.h with the real arity checks, unknown-command and
// READONLY errors; per-client MULTI/EXEC/DISCARD (QUEUED replies; an unknown command or an
// arity error while queueing makes EXEC answer EXECABORT; errors at run time, such as
// WRONGTYPE or a bad option, are reported inside EXEC's array and do not roll back);
// EVAL of registered scripts by exact source text, and RunScript; key expiry both lazily (on
// access) and by ActiveExpireCycle (earliest deadline first, bounded per cycle, no sampling);
// persistence and crash recovery (persistence.h); asynchronous replication through the write
// stream, partial resync from the backlog, full resync, and promotion (replication.h). As in
// Redis, a node keeps no replication backlog until a replica attaches (MakeFullSync: the first
// full resync creates it) or it becomes a replica itself; a restart loses it.
//
// Guarantees: determinism (ordered containers only, no clock or randomness of its own); a
// promoted replica holds exactly the records it had applied, so acknowledged writes it had not
// received are lost, as with real Redis failover.
//
// Faults it supports: Crash (loses what the persistence mode loses), replication lag and
// failover (the caller moves records and decides when), clock jumps (expiry follows the
// clock it is given; write-stream times are clamped to stay non-decreasing).
//
// Not modelled: other commands (answered as unknown commands), SELECT and multiple
// databases, WATCH, blocking commands, pub/sub, eviction and maxmemory, EVALSHA and SCRIPT,
// Lua itself (see scripts.h), byte-level replication offsets (offsets count records), WAIT,
// min-replicas-to-write, active expiry's sampling, keyspace notifications.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/redis/commands.h"
#include "models/redis/keyspace.h"
#include "models/redis/persistence.h"
#include "models/redis/replication.h"
#include "models/redis/reply.h"
#include "models/redis/scripts.h"
#include "models/redis/write_stream.h"
#include "sim/result.h"
#include "sim/time.h"

namespace models::redis {

struct RedisConfig {
  std::string node_name = "redis";  // makes replication ids unique across nodes
  Persistence persistence = Persistence::kNone;
  sim::Duration rdb_interval = sim::Duration::Seconds(60);
  size_t repl_backlog_records = 10'000;
  size_t active_expire_keys_max = 200;  // keys one ActiveExpireCycle may delete
  // The Unix time, in ms, that virtual time zero stands for. Deadlines (PEXPIREAT, EXAT) live
  // on this clock, so absolute times and overflow checks look like the real server's.
  int64_t unix_ms_at_zero = 1'700'000'000'000;
};

enum class Role : uint8_t { kPrimary, kReplica };

// What a full resync transfers: the primary's dataset at a stream position.
struct FullSyncImage {
  std::string repl_id;
  int64_t offset = 0;
  Keyspace keyspace;
};

class RedisModel {
 public:
  using ClientId = uint64_t;
  static constexpr ClientId kDefaultClient = 0;

  explicit RedisModel(RedisConfig config = {});

  // One command from one client connection; MULTI state is per client.
  // REQUIRES: no script is running (a sim_impl issues commands with Call).
  Reply Execute(const Argv& argv, sim::Instant now);
  Reply Execute(ClientId client, const Argv& argv, sim::Instant now);
  // Drops the client's transaction state (a closed connection).
  void DisconnectClient(ClientId client);
  // Clients between MULTI and EXEC / DISCARD.
  size_t open_transactions() const { return clients_.size(); }

  // Makes EVAL accept script.lua_source. The named scripts of scripts.h are registered.
  void RegisterScript(Script script);
  // Runs a script atomically, as an EVAL from a client outside MULTI.
  Reply RunScript(const Script& script, const Argv& keys, const Argv& args, sim::Instant now);
  // redis.call for a sim_impl. REQUIRES: a script is running on this model.
  Reply Call(const Argv& argv);

  void ActiveExpireCycle(sim::Instant now);
  // Time-driven work: due fsyncs / snapshots, then an active expiry cycle.
  void Tick(sim::Instant now);

  // Crash and restart: the dataset becomes what the durable image recovers; clients,
  // transactions and the backlog are gone; a new replication id starts at the durable
  // offset, so replicas must fully resync.
  void Crash(sim::Instant now);
  int64_t DurableOffset() const { return durable_.durable_offset(); }
  // The latest time any call gave the model: a node that crashed did so after it, and every
  // fsync or snapshot instant up to it has been performed. A restarting server passes it to
  // Crash, since the restart time would invent syncs during the downtime.
  sim::Instant LastSeen() const { return last_seen_; }

  Role role() const { return role_; }
  const std::string& ReplicationId() const { return repl_id_; }
  // Offset of the last record written (primary) or applied (replica).
  int64_t ReplicationOffset() const { return offset_; }
  // Records after offset for a replica that follows repl_id. kConflict when repl_id is not
  // this node's history (full resync needed), kNotFound when the backlog lost them or there
  // is no backlog (no replica attached since the node started).
  sim::Result<std::vector<WriteRecord>> RecordsSince(const std::string& repl_id, int64_t offset,
                                                     size_t max_records) const;
  // A replica attaches: the image of the dataset, and the backlog starts here if there was none.
  FullSyncImage MakeFullSync();
  // Becomes a replica holding image (REPLICAOF followed by a full resync).
  void BecomeReplica(const FullSyncImage& image, sim::Instant now);
  // REQUIRES for success: role is replica and record.offset == ReplicationOffset() + 1.
  sim::Result<void> ApplyReplicated(const WriteRecord& record, sim::Instant now);
  // Failover: this replica becomes a primary with what it has; other replicas of the old
  // primary can continue from it (PSYNC2: the old id stays valid up to the current offset).
  void Promote(sim::Instant now);

  const Keyspace& keyspace() const { return keyspace_; }
  int64_t NowMs(sim::Instant now) const;

 private:
  // A client appears in clients_ only between its MULTI and its EXEC or DISCARD.
  struct ClientState {
    bool dirty = false;  // a command was refused while queueing: EXEC must abort
    std::vector<Argv> queued;
  };
  struct ScriptRun {
    const Script* script = nullptr;
    int64_t now_ms = 0;
    EffectLog* effects = nullptr;
  };

  Reply Reject(ClientId client, Reply error);
  // A command outside MULTI, as one unit of the write stream.
  Reply RunCommand(const CommandSpec& spec, const Argv& argv, sim::Instant now);
  Reply Dispatch(const CommandSpec& spec, const Argv& argv, sim::Instant now,
                 EffectLog* effects);
  Reply RunExec(ClientId client, sim::Instant now);
  Reply RunEval(const Argv& argv, sim::Instant now, EffectLog* effects);
  Reply RunScriptWith(const Script& script, const Argv& keys, const Argv& args,
                      sim::Instant now, EffectLog* effects);
  ExecContext MakeContext(int64_t now_ms, EffectLog* effects);
  // An empty log for one atomic unit; it keeps the commands only when the stream has a reader.
  EffectLog NewEffectLog() const;
  bool StreamHasReader() const { return durable_.keeps_records() || backlog_.has_value(); }
  void Commit(EffectLog effects, sim::Instant now);
  void Advance(sim::Instant now);
  void StartBacklog();  // at the current offset, unless there is one
  std::string NewReplicationId();

  RedisConfig config_;
  Keyspace keyspace_;
  Role role_ = Role::kPrimary;
  std::map<ClientId, ClientState> clients_;
  std::map<std::string, Script> scripts_by_source_;
  ScriptRun script_run_;
  DurableImage durable_;
  // Absent until a replica attaches (Redis's createReplicationBacklog in syncCommand): a
  // primary nobody follows appends each write to nothing.
  std::optional<ReplicationBacklog> backlog_;
  std::string repl_id_;
  std::string prev_repl_id_;     // the id this node followed before its promotion
  int64_t prev_repl_offset_ = -1;  // last offset valid under prev_repl_id_
  int64_t offset_ = 0;
  uint64_t repl_epoch_ = 0;
  sim::Instant last_record_time_;
  sim::Instant last_seen_;
};

}  // namespace models::redis
