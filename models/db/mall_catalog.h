#pragma once
// The mall's tables (gulimall_{oms,wms,sms,pms,ums}, see gulimall-real.md §5) as TableDefs.
//
// Fidelity contract: the columns the mall's flows read or write, with their keys; columns the
// flows never touch are left out. Amounts are DECIMAL(18,4) held as int64 scaled by 10^4; the
// seckill price, count and limit are DECIMAL(10,0) in the DDL (cents truncated), kept as scale 0.
// Times are int64 milliseconds of virtual time. The forks disagree on some unique keys, so
// those are options; the defaults follow the canonical DDL (sql-origin).

#include <vector>

#include "models/db/value.h"

namespace models::db {

enum class PaymentInfoKeys : uint8_t {
  kNone,                   // some dumps: no unique key
  kOrderSn,                // UNIQUE(order_sn)
  kOrderIdAndTradeNo,      // sql-origin: UNIQUE(order_id), UNIQUE(alipay_trade_no)
};

struct MallCatalogOptions {
  bool order_sn_unique = true;  // sql-origin has UNIQUE(order_sn); sql-snapshot does not
  PaymentInfoKeys payment_info_keys = PaymentInfoKeys::kOrderIdAndTradeNo;
  // D-15's unique-index scheme: UNIQUE(order_sn) on wms_ware_order_task (the real schema has a
  // plain column), so a second work order for one order fails with a duplicate key.
  bool task_order_sn_unique = false;
  // Seata AT (D-6 rung 5) needs an undo_log table in every database taking part (003:697):
  // oms, wms and ums get one.
  bool seata_undo_log = false;
};

// Schema names: "oms", "wms", "sms", "pms", "ums".
std::vector<TableDef> MallTables(const MallCatalogOptions& options = {});

}  // namespace models::db
