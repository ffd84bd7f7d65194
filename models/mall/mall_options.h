#pragma once
// The switches of the order/stock saga (catalog ladders D-5, D-6, D-7, D-8, D-15 and the errata
// of Appendix B), with the correct design as every default, plus the timing of the flows.
//
// Fidelity contract: each enum value is one rung of a ladder as the course notes describe it;
// the comment on each value cites the failure mode (F-*) or erratum (B-*) it renders. Times are
// virtual. Nothing here runs: the services read it.

#include <cstdint>
#include <string>

#include "sim/time.h"

namespace models::mall {

// D-5: the anti-resubmit token of the confirm page (003:335-349).
enum class TokenCheck : uint8_t {
  kLua,          // default: one atomic get-compare-delete script (003:349)
  kGetThenDel,   // F-14: delete first, but GET, compare and DEL are separate commands
  kDeleteAfter,  // F-13: validate, create the order, then delete the token
  kNone,         // no token at all: every submit creates an order
};

// D-6: how submit treats the remote stock lock.
enum class SubmitTxn : uint8_t {
  kRollbackOnFail,  // default: a failed or unknown lock throws, the local transaction rolls back
  kLocalOnly,       // D-6 rung 1 (003:499): separate @Transactional; the order commits anyway
};

// D-6 / D-7: what compensates a lock whose order rolled back (F-16, F-17).
enum class Compensation : uint8_t {
  kReliableMessage,  // default: stock.locked delay message + release listener (D-6 rung 6)
  kNone,             // local transactions only: nothing ever unlocks an orphaned lock
  // D-7 rung 1 (003:85): no delay message; a scheduled job scans old locked work orders.
  // Late by up to a period (F-50); every instance runs it (F-49).
  kScan,
  // D-6 rung 5 (003:681-801): Seata AT. Submit is a @GlobalTransactional; order, ware and
  // member are RMs whose local transactions are branches with undo logs, so any failure rolls
  // every branch back (the TC drives it). Correct, but a branch's global row locks last until
  // the global transaction ends, so orders touching one sku serialize (F-55, 003:793). No
  // stock.locked message; ware's own writers of locked rows take @GlobalLock.
  kSeataAt,
};

// D-8: how a service makes sure the message of a committed transaction reaches the broker.
enum class Reliable : uint8_t {
  kOutbox,    // default: mq_message row in the same transaction, publish with confirms after
              // commit, periodic resend of rows still "new" (003:199-217)
  kConfirms,  // confirms + in-process retries, no log: a crash after commit loses it (F-39)
  kNone,      // fire and forget: a broker or network fault loses it silently (F-39, F-40)
};

// D-8 rung 3: consumer acknowledgement (F-20).
enum class AckMode : uint8_t { kManual, kAuto };

// D-8 rung 5 (003:235, F-42): what a listener does with a message its handler failed.
enum class MqRetry : uint8_t {
  kRequeue,  // default: reject with requeue, so it comes back at once, for ever if need be
  kPark,     // Spring's retry (max-attempts 3, 1 s apart, in process), then the recoverer parks
             // it in the service's mq_message for offline handling and acks it: no more loop,
             // but whatever the message should have done waits for someone to handle the row
};

// D-7 rung 8 / D-15: the idempotency of the unlock (F-24, B-WARE-1).
enum class UnlockGuard : uint8_t {
  kAtomic,       // default: UPDATE detail SET lock_status=2 WHERE id=? AND lock_status=1 first
  kCheckThenAct, // read lock_status==1 in Java, then unguarded updates (B-WARE-1)
  kNone,         // no lock_status check at all
};

// B-2 / F-64: the sign in the unlock SQL (003:127).
enum class UnlockSign : uint8_t { kMinus, kPlus };

// B-4 / F-22: when the delay-path handler unlocks.
enum class UnlockPredicate : uint8_t {
  kCancelledOrAbsent,  // default: order absent or status == 4 (003:117-121)
  kUnpaid,             // "order not created or unpaid" (003:95): also a CREATED order
};

// B-6 / F-23: what the handler does when the order is not found.
enum class NotFound : uint8_t {
  kUnlock,   // default: three outcomes, found / not found / error (003:121)
  kRequeue,  // "code != 0 => throw => requeue" (003:139): requeued forever
};

// B-1 / F-25: the binding of stock.delay.queue.
enum class StockBinding : uint8_t { kStockLocked, kStockDelayHash };

// F-18: when ware publishes its lock message.
enum class LockPublish : uint8_t {
  kAfterAll,      // default: one message with ids only, after every item locked (003:107)
  kPerItemInTxn,  // the instructor's: one message per item with the full detail, inside the
                  // transaction; the consumer trusts the payload (phantom unlock, F-18)
};

// INV-S8: whether a multi-item lock is one transaction.
enum class LockTxn : uint8_t { kSingle, kPerItem };

// D-15 (003:333-387): idempotency of the lock call under duplicated or retried requests. The
// order sn is the request's global id (the header a Feign interceptor carries, reused by
// retries). Not rendered: the pessimistic FOR UPDATE scheme (F-53) needs InnoDB's gap locks,
// which the DB model leaves out, and the optimistic version scheme (F-54) only turns a lost
// reply into a false failure, which no invariant of the saga can see.
enum class LockIdempotency : uint8_t {
  kOrderSnCheck,  // default: one work order per order_sn (existing task => the same answer)
  kUniqueIndex,   // UNIQUE(order_sn) on the work order: the duplicate's insert fails (003:365)
  kDedupTable,    // a dedup row keyed by the order sn in the lock's own transaction (003:371-375)
  kNginxRequestId,  // F-61: the dedup key is nginx's $request_id, new for every copy (003:385)
  kRequestIdRedis,  // 003:379: SET NX of the request id in Redis first, a duplicate answers
                    // success at once, whether or not the first copy's work ever succeeds
  kLockFlag,      // 003:361: a Redis lock on the order sn, then the flag (its work order) checked
                  // and the work done under it; released after the commit
  kNone,
};

// B-ORD-2: the close of an unpaid order.
enum class CloseGuard : uint8_t {
  kStatusGuard,   // default: UPDATE ... SET status=4 WHERE id=? AND status=0
  kCheckThenAct,  // SELECT status, then UPDATE ... WHERE id=? (races with payment)
};

struct SagaOptions {
  TokenCheck token_check = TokenCheck::kLua;
  SubmitTxn submit_txn = SubmitTxn::kRollbackOnFail;
  Compensation compensation = Compensation::kReliableMessage;
  Reliable reliable = Reliable::kOutbox;
  AckMode ack = AckMode::kManual;
  MqRetry retry = MqRetry::kRequeue;
  UnlockGuard unlock_guard = UnlockGuard::kAtomic;
  UnlockSign unlock_sign = UnlockSign::kMinus;
  UnlockPredicate unlock_predicate = UnlockPredicate::kCancelledOrAbsent;
  NotFound not_found = NotFound::kUnlock;
  StockBinding stock_binding = StockBinding::kStockLocked;
  LockPublish lock_publish = LockPublish::kAfterAll;
  LockTxn lock_txn = LockTxn::kSingle;
  LockIdempotency lock_idempotency = LockIdempotency::kOrderSnCheck;
  CloseGuard close_guard = CloseGuard::kStatusGuard;
  bool release_other = true;  // D-7 rung 5 (003:187); false: F-19
  // D-7 rung 7 (003:133-135): the login interceptor lets /order/order/status/** through;
  // false: F-21, a listener's Feign call has no session and gets the login page instead.
  bool status_whitelist = true;
  // kSeataAt: the local writers of rows a global transaction may hold (ware's unlock and
  // deduction, the outbox's status update) take @GlobalLock. false: they write at once, and a
  // global rollback that finds its row changed cannot undo it ("dirty", retried for ever, its
  // global locks held).
  bool seata_global_lock = true;

  // Timing. Defaults are the design values (003:91, 003:171).
  sim::Duration order_ttl = sim::Duration::Minutes(30);
  sim::Duration stock_ttl = sim::Duration::Minutes(50);
  sim::Duration rpc_timeout = sim::Duration::Seconds(3);    // Feign read timeout
  sim::Duration db_timeout = sim::Duration::Seconds(5);     // JDBC socket timeout
  sim::Duration mq_timeout = sim::Duration::Seconds(5);
  sim::Duration resend_interval = sim::Duration::Seconds(30);  // outbox scan
  sim::Duration global_timeout = sim::Duration::Seconds(60);  // kSeataAt: timeoutMills
  sim::Duration unlock_scan = sim::Duration::Minutes(10);  // kScan: the job's cron period
  int64_t unlock_scanners = 1;  // kScan: ware instances, each running the job (F-49)
  sim::Duration close_stall = sim::Duration::Zero();  // F-19 knob: the close listener stalls
  int64_t feign_duplicate_per_mille = 0;  // a retried/duplicated Feign request (D-15)
  int64_t points_fail_per_mille = 0;      // member refuses the points deduction (F-17)
};

}  // namespace models::mall
