#pragma once
// Internal to the payment files: column access on oms rows and RecordPayment, the one
// transaction every source of payment evidence (notify, return page, query, bill) goes through.

#include <optional>
#include <string>

#include "models/db/sql_client.h"
#include "models/mall/payment.h"

namespace models::mall::payment_detail {

const db::TableDef& OrderDef();
const db::TableDef& InfoDef();
int64_t IntAt(const db::Row& row, const db::TableDef& def, const std::string& column);
std::string StrAt(const db::Row& row, const db::TableDef& def, const std::string& column);
int64_t WallMs(const sim::Env& env);

// Evidence that Alipay captured a payment, from one of the sources.
struct Evidence {
  std::string order_sn;
  std::string trade_no;
  std::string trade_status;
  std::string subject;
  int64_t amount_cents = 0;
  std::string source;  // notify | return_url | query | reconcile
};

// Records the payment and moves the order to PAID per `options` (payment.h). Returns true when
// the order became PAID by this call; false when it was already recorded or not payable. A
// verified payment for a cancelled order is refunded under the guarded update.
sim::Task<sim::Result<bool>> RecordPayment(sim::Env env, db::SqlClient* oms, Evidence evidence,
                                           PaymentOptions options);

// Reads the order row; nullopt when absent.
sim::Task<sim::Result<std::optional<db::Row>>> ReadOrder(db::SqlClient* oms, std::string order_sn,
                                                         bool for_update);

}  // namespace models::mall::payment_detail
