// The mall's tables; see mall_catalog.h.

#include "models/db/mall_catalog.h"

namespace models::db {
namespace {

using C = ColumnDef;
constexpr int kMoney = 4;  // decimal(18,4)

TableDef Table(std::string schema, std::string name, std::vector<ColumnDef> columns) {
  TableDef def;
  def.name = TableName{std::move(schema), std::move(name)};
  def.columns.push_back(C::Int("id"));
  for (ColumnDef& column : columns) def.columns.push_back(std::move(column));
  return def;
}

// The reliable-delivery log (003:199-217) each service keeps in its own schema, so the row
// joins the business transaction: status 0 new, 1 sent, 2 error, 3 arrived. The resend scan
// looks rows up by status and exchange.
TableDef MessageLog(const std::string& schema) {
  TableDef message = Table(schema, "mq_message", {
      C::Str("message_id"), C::Str("content", ""), C::Str("to_exchange", ""),
      C::Str("routing_key", ""), C::Str("class_type", ""), C::Int("message_status", 0),
      C::Int("create_time", 0), C::Int("update_time", 0)});
  message.unique_keys.push_back({"uk_message_id", {"message_id"}});
  message.indexes.push_back({"idx_status_exchange", {"message_status", "to_exchange"}});
  return message;
}

// Seata AT's undo_log (003:697), as in Seata's script: UNIQUE(xid, branch_id).
TableDef UndoLog(const std::string& schema) {
  TableDef undo = Table(schema, "undo_log", {
      C::Int("branch_id"), C::Str("xid"), C::Str("rollback_info", ""), C::Int("log_status", 0),
      C::Int("log_created", 0)});
  undo.unique_keys.push_back({"ux_undo_log", {"xid", "branch_id"}});
  return undo;
}

std::vector<TableDef> Oms(const MallCatalogOptions& options) {
  TableDef order = Table("oms", "oms_order", {
      C::Int("member_id"), C::Str("order_sn"), C::Str("member_username", ""),
      C::Dec("total_amount", kMoney, 0), C::Dec("pay_amount", kMoney, 0),
      C::Dec("freight_amount", kMoney, 0), C::Dec("promotion_amount", kMoney, 0),
      C::Dec("integration_amount", kMoney, 0), C::Dec("coupon_amount", kMoney, 0),
      C::Int("pay_type", 0), C::Int("status", 0), C::Str("receiver_name").Nullable(),
      C::Str("receiver_phone").Nullable(), C::Str("receiver_detail_address").Nullable(),
      C::Int("integration", 0), C::Int("growth", 0), C::Int("confirm_status", 0),
      C::Int("delete_status", 0), C::Int("auto_confirm_day", 7), C::Int("create_time", 0),
      C::Int("modify_time").Nullable(), C::Int("payment_time").Nullable()});
  if (options.order_sn_unique) order.unique_keys.push_back({"uk_order_sn", {"order_sn"}});
  order.indexes.push_back({"idx_member_id", {"member_id"}});

  TableDef item = Table("oms", "oms_order_item", {
      C::Int("order_id").Nullable(), C::Str("order_sn"), C::Int("spu_id").Nullable(),
      C::Str("spu_name").Nullable(), C::Int("sku_id"), C::Str("sku_name", ""),
      C::Dec("sku_price", kMoney, 0), C::Int("sku_quantity"), C::Dec("real_amount", kMoney, 0),
      C::Int("gift_integration", 0), C::Int("gift_growth", 0)});
  item.indexes.push_back({"idx_order_sn", {"order_sn"}});

  TableDef payment = Table("oms", "oms_payment_info", {
      C::Str("order_sn"), C::Int("order_id").Nullable(), C::Str("alipay_trade_no").Nullable(),
      C::Dec("total_amount", kMoney, 0), C::Str("subject").Nullable(),
      C::Str("payment_status").Nullable(), C::Int("create_time", 0),
      C::Int("callback_time").Nullable()});
  if (options.payment_info_keys == PaymentInfoKeys::kOrderSn) {
    payment.unique_keys.push_back({"uk_payment_order_sn", {"order_sn"}});
  } else if (options.payment_info_keys == PaymentInfoKeys::kOrderIdAndTradeNo) {
    payment.unique_keys.push_back({"uk_payment_order_id", {"order_id"}});
    payment.unique_keys.push_back({"uk_alipay_trade_no", {"alipay_trade_no"}});
  }
  // A plain index, as some dumps have: the notify handler looks payments up by order_sn.
  if (options.payment_info_keys != PaymentInfoKeys::kOrderSn) {
    payment.indexes.push_back({"idx_payment_order_sn", {"order_sn"}});
  }

  return {order, item, payment, MessageLog("oms")};
}

std::vector<TableDef> Wms(const MallCatalogOptions& options) {
  TableDef sku = Table("wms", "wms_ware_sku", {
      C::Int("sku_id"), C::Int("ware_id"), C::Int("stock", 0), C::Str("sku_name").Nullable(),
      C::Int("stock_locked", 0)});
  sku.indexes = {{"idx_sku_id", {"sku_id"}}, {"idx_ware_id", {"ware_id"}}};  // no unique pair
  TableDef task = Table("wms", "wms_ware_order_task", {
      C::Int("order_id").Nullable(), C::Str("order_sn"), C::Int("create_time", 0),
      C::Int("task_status").Nullable(), C::Int("ware_id").Nullable()});
  // lock_status: 1 locked, 2 unlocked, 3 deducted.
  TableDef detail = Table("wms", "wms_ware_order_task_detail", {
      C::Int("sku_id"), C::Str("sku_name", ""), C::Int("sku_num"), C::Int("task_id"),
      C::Int("ware_id"), C::Int("lock_status", 1)});
  if (options.task_order_sn_unique) {
    task.unique_keys.push_back({"uk_order_sn", {"order_sn"}});
  } else {
    task.indexes.push_back({"idx_order_sn", {"order_sn"}});
  }
  detail.indexes.push_back({"idx_task_id", {"task_id"}});
  return {sku, task, detail, MessageLog("wms")};
}

std::vector<TableDef> Sms() {
  TableDef session = Table("sms", "sms_seckill_session", {
      C::Str("name", ""), C::Int("start_time"), C::Int("end_time"), C::Int("status", 1),
      C::Int("create_time", 0)});
  TableDef relation = Table("sms", "sms_seckill_sku_relation", {
      C::Int("promotion_id").Nullable(), C::Int("promotion_session_id"), C::Int("sku_id"),
      C::Dec("seckill_price", 0, 0), C::Dec("seckill_count", 0, 0),
      C::Dec("seckill_limit", 0, 0), C::Int("seckill_sort", 0)});
  return {session, relation};
}

std::vector<TableDef> Pms() {
  TableDef spu = Table("pms", "pms_spu_info", {
      C::Str("spu_name"), C::Int("catalog_id", 0), C::Int("brand_id", 0),
      C::Int("publish_status", 0)});
  TableDef sku = Table("pms", "pms_sku_info", {
      C::Int("spu_id"), C::Str("sku_name"), C::Dec("price", kMoney, 0),
      C::Str("sku_default_img", ""), C::Int("catalog_id", 0), C::Int("brand_id", 0)});
  return {spu, sku};
}

std::vector<TableDef> Ums() {
  TableDef member = Table("ums", "ums_member", {
      C::Str("username"), C::Str("mobile").Nullable(), C::Str("password", ""),
      C::Int("level_id", 1), C::Int("integration", 0), C::Int("growth", 0)});
  TableDef address = Table("ums", "ums_member_receive_address", {
      C::Int("member_id"), C::Str("name", ""), C::Str("phone", ""), C::Str("province", ""),
      C::Str("city", ""), C::Str("region", ""), C::Str("detail_address", ""),
      C::Int("default_status", 0)});
  address.indexes.push_back({"idx_member_id", {"member_id"}});
  return {member, address};
}

}  // namespace

std::vector<TableDef> MallTables(const MallCatalogOptions& options) {
  std::vector<TableDef> all;
  for (auto part : {Oms(options), Wms(options), Sms(), Pms(), Ums()}) {
    for (TableDef& def : part) all.push_back(std::move(def));
  }
  if (options.seata_undo_log) {
    for (const char* schema : {"oms", "wms", "ums"}) all.push_back(UndoLog(schema));
  }
  return all;
}

}  // namespace models::db
