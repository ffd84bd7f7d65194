// Connection pools and reliable publishing of the saga services; see service_kit.h.

#include "models/mall/service_kit.h"

#include <fmt/format.h>

#include "models/db/db_error.h"
#include "models/db/mall_catalog.h"
#include "models/mall/mall_tables.h"
#include "models/redis/scripts.h"

namespace models::mall {

using namespace sim::literals;

const std::vector<db::TableDef>& SeataCatalog() {
  static const std::vector<db::TableDef> catalog = [] {
    db::MallCatalogOptions o;
    o.seata_undo_log = true;
    return db::MallTables(o);
  }();
  return catalog;
}

seata::AtContext SeataContext(ServiceKit* kit, std::string schema) {
  seata::AtContext c{kit->env, kit->tc, std::move(schema), &SeataCatalog()};
  c.rpc_timeout = kit->options.rpc_timeout;
  return c;
}

void MaybeServeSeataRm(ServiceKit* kit) {
  if (kit->options.compensation != Compensation::kSeataAt) return;
  seata::RmConfig rm{kit->db, kit->options.db_timeout, &SeataCatalog()};
  seata::ServeAtResource(kit->env, rm);
}

db::SqlClient* SeataWrap(ServiceKit* kit, db::SimSqlClient* pooled,
                         std::optional<seata::AtConnection>* slot, std::string xid) {
  if (kit->tc == 0) return pooled;
  if (xid.empty() && !kit->options.seata_global_lock) return pooled;
  slot->emplace(pooled, SeataContext(kit, kit->outbox.schema), std::move(xid));
  return &**slot;
}

db::SimSqlClient* AcquireSql(ServiceKit* kit) {
  return kit->sql_pool.Take(kit->env, kit->db, kit->options.db_timeout);
}

void ReleaseSql(ServiceKit* kit, db::SimSqlClient* sql) { kit->sql_pool.Give(sql); }

redis::SimRedisClient* AcquireRedis(ServiceKit* kit) {
  return kit->redis_pool.Take(kit->env, kit->redis, kit->options.rpc_timeout);
}

void ReleaseRedis(ServiceKit* kit, redis::SimRedisClient* c) { kit->redis_pool.Give(c); }

std::string NewId(ServiceKit* kit, const std::string& prefix) {
  const uint64_t r = kit->env.rng().Next() & 0xffffffffULL;
  return fmt::format("{}{}-{:08x}-{}", prefix, kit->env.name(), r, kit->next_id++);
}

sim::Task<sim::Result<RedisLockHeld>> AcquireRedisLock(ServiceKit* kit, std::string key,
                                                       sim::Duration lease, sim::Duration wait) {
  const RedisLockHeld held{std::move(key), NewId(kit, "lock-")};
  const sim::Instant give_up = kit->env.Now() + wait;
  redis::SimRedisClient* rc = AcquireRedis(kit);
  redis::SetOptions nx_px;
  nx_px.nx = true;
  nx_px.ttl = lease;
  sim::Result<RedisLockHeld> out = sim::MakeError(sim::Errc::kConflict, "lock busy");
  while (true) {
    sim::Result<bool> set = co_await rc->Set(held.key, held.value, nx_px);
    if (set.ok() && *set) {
      out = held;
      break;
    }
    if (kit->env.Now() + 100_ms > give_up) break;
    co_await kit->env.Sleep(100_ms);
  }
  ReleaseRedis(kit, rc);
  co_return out;
}

sim::Task<void> ReleaseRedisLock(ServiceKit* kit, RedisLockHeld held) {
  redis::SimRedisClient* rc = AcquireRedis(kit);
  const std::vector<std::string> keys{held.key};
  const std::vector<std::string> args{held.value};
  sim::Result<redis::Reply> r =
      co_await rc->Eval(redis::CompareAndDeleteUnlockScript(), keys, args);
  (void)r;
  ReleaseRedis(kit, rc);
}

namespace {

// A row of the service's mq_message table (Gulimall's message log: message_status 0 new,
// 1 sent, 2 error, 3 arrived), stamped now, with `more` columns after the common ones.
db::InsertStmt OutboxRow(ServiceKit* kit, std::string message_id, std::string class_type,
                         int64_t status, db::Assignments more = {}) {
  const int64_t now = Millis(kit->env.Now());
  db::InsertStmt row{kit->outbox, {{"message_id", std::move(message_id)},
                                   {"class_type", std::move(class_type)},
                                   {"message_status", status}, {"create_time", now},
                                   {"update_time", now}}};
  for (auto& column : more) row.values.push_back(std::move(column));
  return row;
}

}  // namespace

db::InsertStmt DedupRow(ServiceKit* kit, std::string key) {
  return OutboxRow(kit, std::move(key), "dedup", 3);
}

sim::Task<sim::Result<void>> LogMessage(ServiceKit* kit, db::SqlClient* sql, OutMessage m) {
  if (kit->options.reliable != Reliable::kOutbox) co_return sim::Result<void>();
  db::InsertStmt row = OutboxRow(
      kit, m.id, "json", 0,
      {{"content", m.body}, {"to_exchange", m.exchange}, {"routing_key", m.key}});
  sim::Result<int64_t> r = co_await sql->Insert(std::move(row));
  if (!r.ok()) co_return r.error();
  co_return sim::Result<void>();
}

namespace {

sim::Task<sim::Result<mq::ChannelId>> TakeChannel(ServiceKit* kit) {
  if (!kit->channels_free.empty()) {
    mq::ChannelId ch = kit->channels_free.back();
    kit->channels_free.pop_back();
    co_return ch;
  }
  sim::Result<mq::ChannelId> ch = co_await kit->mq->OpenChannel();
  if (!ch.ok()) co_return ch;
  if (kit->options.reliable != Reliable::kNone) {
    sim::Result<void> c = co_await kit->mq->ConfirmSelect(*ch);
    if (!c.ok()) co_return c.error();
  }
  co_return ch;
}

// Marks the outbox row: 1 sent, 2 error (returned). Best effort: the resend loop covers a miss.
// Under Seata AT the row may belong to a global transaction still able to roll back (its
// insert's undo would find the row changed: dirty), so the update takes @GlobalLock.
sim::Task<void> MarkRow(ServiceKit* kit, std::string id, int64_t status) {
  db::SimSqlClient* sql = AcquireSql(kit);
  db::UpdateStmt u{kit->outbox,
                   {db::SetClause::Assign("message_status", status),
                    db::SetClause::Assign("update_time", Millis(kit->env.Now()))},
                   {{"message_id", id}},
                   db::Guard::Cmp("message_status", db::CmpOp::kEq, db::Value(0))};
  std::optional<seata::AtConnection> slot;
  db::SqlClient* conn = SeataWrap(kit, sql, &slot, "");
  (void)co_await conn->Update(std::move(u));
  ReleaseSql(kit, sql);
}

}  // namespace

sim::Task<sim::Result<bool>> PublishOnce(ServiceKit* kit, OutMessage m) {
  sim::Result<mq::ChannelId> ch = co_await TakeChannel(kit);
  if (!ch.ok()) co_return ch.error();
  mq::Message msg;
  msg.body = m.body;
  msg.props.delivery_mode = 2;
  msg.props.message_id = m.id;
  msg.props.content_type = "application/json";
  const mq::PublishOptions opts{true};
  sim::Result<mq::PublishOutcome> out =
      co_await kit->mq->Publish(*ch, m.exchange, m.key, std::move(msg), opts);
  if (!out.ok()) co_return out.error();  // the channel is dropped, not pooled
  kit->channels_free.push_back(*ch);
  if (out->returned.has_value()) {
    kit->env.Trace("saga.publish_returned", {{"msg", m.id}, {"key", m.key}});
    co_return false;
  }
  if (out->confirm == mq::ConfirmState::kNack) {
    co_return sim::MakeError(sim::Errc::kRejected, "nacked");
  }
  co_return true;
}

sim::Task<bool> PublishCommitted(ServiceKit* kit, OutMessage m) {
  kit->env.Trace("saga.msg_committed", {{"msg", m.id}, {"exchange", m.exchange}, {"key", m.key}});
  const Reliable mode = kit->options.reliable;
  const int attempts = mode == Reliable::kConfirms ? 4 : 1;
  for (int i = 0; i < attempts; ++i) {
    if (i > 0) co_await kit->env.Sleep(1_s);
    sim::Result<bool> r = co_await PublishOnce(kit, m);
    if (mode == Reliable::kNone) co_return r.ok();  // fire and forget: nobody looks
    if (r.ok()) {
      const bool confirmed = *r;
      const int64_t status = confirmed ? 1 : 2;
      if (mode == Reliable::kOutbox) co_await MarkRow(kit, m.id, status);
      co_return confirmed;
    }
  }
  kit->env.Trace("saga.publish_failed", {{"msg", m.id}, {"key", m.key}});
  co_return false;
}

sim::Task<void> ResendLoop(ServiceKit* kit, std::string exchange) {
  while (true) {
    co_await kit->env.Sleep(kit->options.resend_interval);
    const int64_t cutoff = Millis(kit->env.Now()) - kit->options.resend_interval.millis();
    db::SimSqlClient* sql = AcquireSql(kit);
    db::SelectStmt s{kit->outbox,
                     {{"to_exchange", exchange}, {"message_status", 0}},
                     db::Guard::Cmp("create_time", db::CmpOp::kLe, db::Value(cutoff)),
                     false};
    sim::Result<std::vector<db::Row>> rows = co_await sql->Select(std::move(s));
    ReleaseSql(kit, sql);
    if (!rows.ok()) continue;
    for (const db::Row& row : *rows) {
      OutMessage m{StrAt(row, kit->outbox, "message_id"), exchange,
                   StrAt(row, kit->outbox, "routing_key"), StrAt(row, kit->outbox, "content")};
      kit->env.Trace("saga.resend", {{"msg", m.id}});
      sim::Result<bool> r = co_await PublishOnce(kit, m);
      if (!r.ok()) continue;
      const int64_t status = *r ? 1 : 2;
      co_await MarkRow(kit, m.id, status);
    }
  }
}

namespace {

// D-8 rung 5: Spring's stateless retry (spring.rabbitmq.listener.simple.retry: max-attempts 3,
// initial-interval 1 s, multiplier 1) runs the handler again in process; when the attempts are
// spent, the recoverer stores the message for offline handling (003:235, "store it in the
// database for offline processing") and the delivery is acked. True when it is done with
// (handled or parked); false when even parking failed, so it is rejected and requeued as
// without the cap.
sim::Task<bool> RetryThenPark(ServiceKit* kit, const MessageHandler* handle, std::string body,
                              std::string msg) {
  constexpr int kAttempts = 3;
  for (int attempt = 2; attempt <= kAttempts; ++attempt) {
    co_await kit->env.Sleep(1_s);
    const bool done = co_await (*handle)(body, msg);
    if (done) co_return true;
  }
  db::SimSqlClient* sql = AcquireSql(kit);
  db::InsertStmt row = OutboxRow(kit, "parked:" + msg, "parked", 2, {{"content", body}});
  sim::Result<int64_t> parked = co_await sql->Insert(std::move(row));
  ReleaseSql(kit, sql);
  // A duplicate key: an earlier delivery of this message was parked already.
  const bool stored =
      parked.ok() || db::ClassifyError(parked.error()) == db::DbErrorKind::kDuplicateKey;
  if (stored) kit->env.Trace("saga.parked", {{"msg", msg}});
  co_return stored;
}

// One consumer's life on one channel; returns when the channel or connection is gone.
sim::Task<void> ConsumeOnce(ServiceKit* kit, mq::BrokerClient* mq, const std::string* queue,
                            const MessageHandler* handle, sim::Duration stall) {
  const bool auto_ack = kit->options.ack == AckMode::kAuto;
  sim::Result<mq::ChannelId> ch = co_await mq->OpenChannel();
  if (!ch.ok()) co_return;
  sim::Result<void> qos = co_await mq->Qos(*ch, 1);
  if (!qos.ok()) co_return;
  sim::Result<std::string> tag = co_await mq->Consume(*ch, *queue, "", auto_ack);
  if (!tag.ok()) co_return;
  while (true) {
    sim::Result<std::optional<mq::Delivery>> d =
        co_await mq->NextDelivery(*ch, sim::Duration::Seconds(60));
    if (!d.ok()) co_return;
    if (!d->has_value()) continue;
    const mq::Delivery del = **d;
    if (stall > sim::Duration::Zero()) co_await kit->env.Sleep(stall);
    const std::string msg = del.message.props.message_id.value_or("");
    bool done = co_await (*handle)(del.message.body, msg);
    if (auto_ack) continue;  // F-20: a failed handling is lost
    if (!done && kit->options.retry == MqRetry::kPark) {
      done = co_await RetryThenPark(kit, handle, del.message.body, msg);
    }
    sim::Result<void> settled;
    if (done) {
      settled = co_await mq->Ack(*ch, del.delivery_tag, false);
    } else {
      settled = co_await mq->Reject(*ch, del.delivery_tag, true);
    }
    if (!settled.ok()) co_return;
  }
}

}  // namespace

sim::Task<void> ListenLoop(ServiceKit* kit, std::string queue, MessageHandler handle,
                           sim::Duration stall) {
  mq::SimBrokerClient mq(kit->env, kit->broker, kit->options.mq_timeout);
  while (true) {
    co_await ConsumeOnce(kit, &mq, &queue, &handle, stall);
    co_await kit->env.Sleep(sim::Duration::Seconds(1));  // Spring's recovery interval
  }
}

}  // namespace models::mall
