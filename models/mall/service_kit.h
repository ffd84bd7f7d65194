#pragma once
// What every saga service holds per incarnation: a pool of database connections (a Hikari pool:
// one connection per concurrent request, since a connection runs one statement at a time), one
// AMQP connection with a pool of channels, and the reliable-publish helpers of ladder D-8.
//
// Fidelity contract: connections and channels are volatile (lost with the node). A message is
// published persistent and mandatory; per SagaOptions::reliable it is
//   kOutbox   logged in the service's own mq_message table (oms or wms) inside the business
//             transaction (status 0 new), published with a confirm after commit and marked 1
//             (sent); a returned (unroutable) message is marked 2 (error) and traced; a resend
//             loop republishes rows still 0 after resend_interval (003:199-217);
//   kConfirms published after commit with a confirm, retried 3 times in process, then dropped;
//   kNone     published without confirm mode; errors are ignored (fire and forget).
// Trace: saga.msg_committed (the transaction owning a message committed: the ledger of
// INV-M1), saga.publish_failed, saga.publish_returned.
// Not modelled: Hikari's pool limits and validation queries; the pool grows as needed.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/db/sim_sql_client.h"
#include "models/mall/mall_options.h"
#include "models/mq/sim_broker_client.h"
#include "models/redis/sim_redis_client.h"
#include "models/seata/at_connection.h"
#include "sim/client_pool.h"
#include "sim/env.h"

namespace models::mall {

struct OutMessage {
  std::string id;  // message-id property: the key the broker's fate records use
  std::string exchange;
  std::string key;
  std::string body;
};

struct ServiceKit {
  ServiceKit(sim::Env e, sim::Endpoint db_at, sim::Endpoint broker_at, SagaOptions o,
             db::TableName outbox_table, sim::Endpoint redis_at = {})
      : env(e), db(db_at), broker(broker_at), redis(redis_at), options(o),
        outbox(std::move(outbox_table)),
        mq(std::make_unique<mq::SimBrokerClient>(e, broker_at, o.mq_timeout)) {}
  sim::Env env;
  sim::Endpoint db;
  sim::Endpoint broker;
  sim::Endpoint redis;  // unset for a service that does not use Redis
  sim::NodeId tc = 0;   // Seata's TC (compensation kSeataAt); 0: none
  SagaOptions options;
  db::TableName outbox;  // the service's mq_message table
  std::unique_ptr<mq::SimBrokerClient> mq;
  sim::ClientPool<db::SimSqlClient> sql_pool;
  std::vector<mq::ChannelId> channels_free;
  sim::ClientPool<redis::SimRedisClient> redis_pool;
  uint64_t next_id = 1;
};

// A connection for one request. REQUIRES: released with ReleaseSql after its last statement,
// outside any transaction.
db::SimSqlClient* AcquireSql(ServiceKit* kit);
void ReleaseSql(ServiceKit* kit, db::SimSqlClient* sql);
// A Redis connection for one request (Lettuce/Jedis pool), with the Feign read timeout.
// REQUIRES: kit->redis is set; released with ReleaseRedis.
redis::SimRedisClient* AcquireRedis(ServiceKit* kit);
void ReleaseRedis(ServiceKit* kit, redis::SimRedisClient* c);

// The mall's tables with Seata's undo_log, as the RMs' table meta.
const std::vector<db::TableDef>& SeataCatalog();
// The RM context of a service whose tables live in `schema`. REQUIRES: kit->tc is set.
seata::AtContext SeataContext(ServiceKit* kit, std::string schema);
// Boots the service's RM endpoint when the saga runs on Seata AT.
void MaybeServeSeataRm(ServiceKit* kit);
// The connection a request's statements go through: `pooled` itself, or under Seata AT
// (kit->tc set) the RM's proxy of it built in `slot`: a branch of `xid`, or @GlobalLock when
// `xid` is empty. REQUIRES: slot outlives the returned pointer's use.
db::SqlClient* SeataWrap(ServiceKit* kit, db::SimSqlClient* pooled,
                         std::optional<seata::AtConnection>* slot, std::string xid);

// A unique id for this incarnation's objects (order sn, request ids): node, random, counter.
std::string NewId(ServiceKit* kit, const std::string& prefix);

// Inside an open transaction (kOutbox only; otherwise does nothing): the outbox row.
sim::Task<sim::Result<void>> LogMessage(ServiceKit* kit, db::SqlClient* sql, OutMessage m);
// A held Redis lock: the lock ladder's stage 5 (SET key uuid NX PX, released by the
// compare-and-delete script), as D-15's lock-and-flag scheme takes it.
struct RedisLockHeld {
  std::string key;
  std::string value;  // this holder's uuid
};
// Takes `key` for `lease`, retrying every 100 ms until `wait` has passed; kConflict then.
sim::Task<sim::Result<RedisLockHeld>> AcquireRedisLock(ServiceKit* kit, std::string key,
                                                       sim::Duration lease, sim::Duration wait);
// Releases it if still ours; errors are ignored (the lease ends it anyway).
sim::Task<void> ReleaseRedisLock(ServiceKit* kit, RedisLockHeld held);

// The INSERT of a dedup-table row for `key` (D-15's 防重表, 003:371-375), to run inside the
// work's transaction: the service's mq_message table doubles as the dedup table (message_id is
// its unique key), so the row commits or rolls back with the work, and a copy that arrives
// later gets a duplicate-key error.
db::InsertStmt DedupRow(ServiceKit* kit, std::string key);
// After the owning transaction committed: traces saga.msg_committed, then publishes per the
// D-8 rung. Returns true when the broker confirmed it (or, for kNone, the call returned ok).
sim::Task<bool> PublishCommitted(ServiceKit* kit, OutMessage m);
// One publish attempt on a pooled channel. ok(true) confirmed, ok(false) returned unroutable.
sim::Task<sim::Result<bool>> PublishOnce(ServiceKit* kit, OutMessage m);
// kOutbox: forever, every resend_interval, republishes rows of `exchange` still new.
sim::Task<void> ResendLoop(ServiceKit* kit, std::string exchange);

// A Spring @RabbitListener with prefetch 1 on `queue`, forever: a consumer on its own channel,
// restarted after Spring's recovery interval (1 s) when its channel or connection dies.
// `handle(body, message_id)` answers true when the message is done (ack) and false to have it
// requeued (reject, requeue=true); with auto-ack (F-20) the broker already dropped it. A
// positive `stall` is slept before each message (F-19's stalled listener).
using MessageHandler = std::function<sim::Task<bool>(std::string body, std::string msg)>;
sim::Task<void> ListenLoop(ServiceKit* kit, std::string queue, MessageHandler handle,
                           sim::Duration stall);

}  // namespace models::mall
