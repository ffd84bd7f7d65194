#pragma once
// Names of the saga's tables (models/db/mall_catalog.h) and column positions in their rows, so
// service code reads `row[Col(kOrder, "status")]` instead of magic indexes.

#include <cstddef>
#include <string>

#include "models/db/value.h"
#include "sim/time.h"

namespace models::mall {

inline const db::TableName kOrderTable{"oms", "oms_order"};
inline const db::TableName kOrderItemTable{"oms", "oms_order_item"};
// Each service's reliable-delivery log, in its own schema (it joins the local transaction).
inline const db::TableName kMessageTable{"oms", "mq_message"};
inline const db::TableName kWareMessageTable{"wms", "mq_message"};
inline const db::TableName kWareSkuTable{"wms", "wms_ware_sku"};
inline const db::TableName kTaskTable{"wms", "wms_ware_order_task"};
inline const db::TableName kDetailTable{"wms", "wms_ware_order_task_detail"};
inline const db::TableName kMemberTable{"ums", "ums_member"};

// The position of `column` in rows of `table`. REQUIRES: both exist in MallTables().
size_t Col(const db::TableName& table, const std::string& column);
// The integer in `column`, 0 when NULL.
int64_t IntAt(const db::Row& row, const db::TableName& table, const std::string& column);
std::string StrAt(const db::Row& row, const db::TableName& table, const std::string& column);

// Milliseconds of virtual time, as the tables store times.
inline int64_t Millis(sim::Instant t) { return t.nanos() / 1'000'000; }

}  // namespace models::mall
