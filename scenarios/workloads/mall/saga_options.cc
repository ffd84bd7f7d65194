// The saga's variants; see saga_options.h.

#include "scenarios/workloads/mall/saga_options.h"

namespace scenarios {

namespace mall = models::mall;

std::vector<VariantSpec> SagaVariants() {
  return {
      {"order.token_check", {"lua", "get_then_del", "delete_after", "none"}, "lua",
       "D-5: anti-resubmit token; get_then_del = F-14, delete_after = F-13, none = no token"},
      {"order.submit_txn", {"rollback_on_fail", "local_only"}, "rollback_on_fail",
       "D-6: a failed stock lock rolls the order back; local_only = rung 1, the order commits anyway (003:499)"},
      {"saga.compensation", {"reliable_message", "scan", "none", "seata_at"}, "reliable_message",
       "D-6/D-7: stock.locked delay message + release listener; scan = D-7 rung 1, a scheduled "
       "job every unlock_scan_ms on each of unlock_scanners instances (F-49, F-50: late); none = "
       "local transactions only (F-16, F-17 leak); seata_at = D-6 rung 5, Seata AT global "
       "transactions (correct, but orders on one sku serialize on its global lock, F-55)"},
      {"saga.seata_global_lock", {"on", "off"}, "on",
       "D-6 rung 5 with saga.compensation=seata_at: ware's unlock and deduction and the outbox "
       "update take @GlobalLock; off = they write rows a global transaction may still roll back, "
       "whose undo then finds dirty data and never completes"},
      {"mq.reliable", {"outbox", "confirms", "none"}, "outbox",
       "D-8: mq_message log + confirms + resend; confirms = no log (F-39 on crash); none = fire and forget (F-39, F-40)"},
      {"mq.ack", {"manual", "auto"}, "manual", "D-8 rung 3: auto-ack loses a message whose handling fails (F-20)"},
      {"mq.retry", {"requeue", "park"}, "requeue",
       "D-8 rung 5 (F-42): park = a listener retries a failed message 3 times in process, then "
       "parks it in the DB for offline handling and acks it"},
      {"ware.unlock_guard", {"atomic", "check_then_act", "none"}, "atomic",
       "D-7 rung 8: UPDATE ... WHERE lock_status=1; check_then_act = B-WARE-1; none = F-24"},
      {"ware.unlock_sql", {"minus", "plus"}, "minus", "B-2 / F-64: the '+' of the unlock SQL (003:127)"},
      {"ware.unlock_predicate", {"cancelled_or_absent", "unpaid"}, "cancelled_or_absent",
       "B-4 / F-22: unpaid = 'order not created or unpaid' (003:95)"},
      {"ware.not_found", {"unlock", "requeue"}, "unlock",
       "B-6 / F-23: requeue = 'code != 0 => throw => requeue' forever (003:139)"},
      {"ware.stock_binding", {"stock.locked", "stock.delay.#"}, "stock.locked",
       "B-1 / F-25: the notes bind stock.delay.queue with stock.delay.# (003:163)"},
      {"ware.lock_publish", {"after_all", "per_item_in_txn"}, "after_all",
       "F-18: per_item_in_txn = the instructor's send per item inside the transaction, consumer trusts the payload"},
      {"ware.lock_txn", {"single", "per_item"}, "single", "INV-S8: per_item = each item locked in its own transaction"},
      {"ware.lock_idempotency",
       {"order_sn_check", "unique_index", "dedup_table", "nginx_request_id", "request_id_redis",
        "lock_flag", "none"},
       "order_sn_check",
       "D-15: one work order per order sn, checked before locking; unique_index = a unique key "
       "on the work order's order_sn (the duplicate answers the first one's task); dedup_table "
       "= a dedup row in the lock's transaction (the duplicate fails); nginx_request_id = F-61, "
       "deduplicated on a per-copy id; request_id_redis = SET NX of the request id, a duplicate "
       "answers success at once; lock_flag = a Redis lock, then the flag checked; none = "
       "a duplicated lock request locks twice"},
      {"order.close_guard", {"status_guard", "check_then_act"}, "status_guard",
       "B-ORD-2: check_then_act = SELECT status then UPDATE by id (races with payment)"},
      {"order.release_other", {"on", "off"}, "on", "D-7 rung 5: publish order.release.other after a close; off = F-19"},
      {"order.login_whitelist", {"on", "off"}, "on",
       "D-7 rung 7: the login interceptor whitelists /order/order/status/**; off = F-21, ware's "
       "status call from the release listener gets the login page and requeues forever"},
  };
}

namespace {

template <class E>
E Pick(const RunEnv& env, const char* name, std::initializer_list<std::pair<const char*, E>> map) {
  const std::string& v = env.Variant(name);
  for (const auto& [text, value] : map) {
    if (v == text) return value;
  }
  return map.begin()->second;
}

}  // namespace

mall::SagaOptions SagaOptionsFrom(const RunEnv& env) {
  mall::SagaOptions o;
  using mall::TokenCheck;
  o.token_check = Pick<TokenCheck>(env, "order.token_check",
                                   {{"lua", TokenCheck::kLua},
                                    {"get_then_del", TokenCheck::kGetThenDel},
                                    {"delete_after", TokenCheck::kDeleteAfter},
                                    {"none", TokenCheck::kNone}});
  o.submit_txn = Pick<mall::SubmitTxn>(env, "order.submit_txn",
                                       {{"rollback_on_fail", mall::SubmitTxn::kRollbackOnFail},
                                        {"local_only", mall::SubmitTxn::kLocalOnly}});
  o.compensation = Pick<mall::Compensation>(
      env, "saga.compensation",
      {{"reliable_message", mall::Compensation::kReliableMessage},
       {"scan", mall::Compensation::kScan},
       {"none", mall::Compensation::kNone},
       {"seata_at", mall::Compensation::kSeataAt}});
  o.reliable = Pick<mall::Reliable>(env, "mq.reliable",
                                    {{"outbox", mall::Reliable::kOutbox},
                                     {"confirms", mall::Reliable::kConfirms},
                                     {"none", mall::Reliable::kNone}});
  o.ack = Pick<mall::AckMode>(env, "mq.ack", {{"manual", mall::AckMode::kManual}, {"auto", mall::AckMode::kAuto}});
  o.retry = Pick<mall::MqRetry>(env, "mq.retry",
                                {{"requeue", mall::MqRetry::kRequeue}, {"park", mall::MqRetry::kPark}});
  o.unlock_guard = Pick<mall::UnlockGuard>(env, "ware.unlock_guard",
                                           {{"atomic", mall::UnlockGuard::kAtomic},
                                            {"check_then_act", mall::UnlockGuard::kCheckThenAct},
                                            {"none", mall::UnlockGuard::kNone}});
  o.unlock_sign = Pick<mall::UnlockSign>(env, "ware.unlock_sql",
                                         {{"minus", mall::UnlockSign::kMinus}, {"plus", mall::UnlockSign::kPlus}});
  o.unlock_predicate = Pick<mall::UnlockPredicate>(
      env, "ware.unlock_predicate",
      {{"cancelled_or_absent", mall::UnlockPredicate::kCancelledOrAbsent},
       {"unpaid", mall::UnlockPredicate::kUnpaid}});
  o.not_found = Pick<mall::NotFound>(env, "ware.not_found",
                                     {{"unlock", mall::NotFound::kUnlock}, {"requeue", mall::NotFound::kRequeue}});
  o.stock_binding = Pick<mall::StockBinding>(
      env, "ware.stock_binding",
      {{"stock.locked", mall::StockBinding::kStockLocked}, {"stock.delay.#", mall::StockBinding::kStockDelayHash}});
  o.lock_publish = Pick<mall::LockPublish>(
      env, "ware.lock_publish",
      {{"after_all", mall::LockPublish::kAfterAll}, {"per_item_in_txn", mall::LockPublish::kPerItemInTxn}});
  o.lock_txn = Pick<mall::LockTxn>(env, "ware.lock_txn",
                                   {{"single", mall::LockTxn::kSingle}, {"per_item", mall::LockTxn::kPerItem}});
  o.lock_idempotency = Pick<mall::LockIdempotency>(
      env, "ware.lock_idempotency",
      {{"order_sn_check", mall::LockIdempotency::kOrderSnCheck},
       {"unique_index", mall::LockIdempotency::kUniqueIndex},
       {"dedup_table", mall::LockIdempotency::kDedupTable},
       {"nginx_request_id", mall::LockIdempotency::kNginxRequestId},
       {"request_id_redis", mall::LockIdempotency::kRequestIdRedis},
       {"lock_flag", mall::LockIdempotency::kLockFlag},
       {"none", mall::LockIdempotency::kNone}});
  o.close_guard = Pick<mall::CloseGuard>(
      env, "order.close_guard",
      {{"status_guard", mall::CloseGuard::kStatusGuard}, {"check_then_act", mall::CloseGuard::kCheckThenAct}});
  o.release_other = env.Variant("order.release_other") == "on";
  o.status_whitelist = env.Variant("order.login_whitelist") == "on";
  o.seata_global_lock = env.Variant("saga.seata_global_lock") == "on";
  o.order_ttl = sim::Duration::Millis(env.Int("order_ttl_ms"));
  o.stock_ttl = sim::Duration::Millis(env.Int("stock_ttl_ms"));
  o.rpc_timeout = sim::Duration::Millis(env.Int("rpc_timeout_ms"));
  o.close_stall = sim::Duration::Millis(env.Int("close_stall_ms"));
  o.unlock_scan = sim::Duration::Millis(env.Int("unlock_scan_ms"));
  o.unlock_scanners = env.Int("unlock_scanners");
  o.feign_duplicate_per_mille = env.Int("feign_duplicate_per_mille");
  o.points_fail_per_mille = env.Int("points_fail_per_mille");
  return o;
}

}  // namespace scenarios
