// Seata AT's undo images; see undo_log.h.

#include "models/seata/undo_log.h"

#include <nlohmann/json.hpp>

namespace models::seata {

namespace {

nlohmann::json ValueJson(const db::Value& v) {
  if (v.is_int()) return v.AsInt();
  if (v.is_string()) return v.AsString();
  return nullptr;
}

db::Value JsonValue(const nlohmann::json& j) {
  if (j.is_number_integer()) return db::Value(j.get<int64_t>());
  if (j.is_string()) return db::Value(j.get<std::string>());
  return db::Value::Null();
}

nlohmann::json ValuesJson(const std::vector<db::Value>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (const db::Value& v : values) out.push_back(ValueJson(v));
  return out;
}

std::vector<db::Value> JsonValues(const nlohmann::json& j) {
  std::vector<db::Value> out;
  for (const nlohmann::json& v : j) out.push_back(JsonValue(v));
  return out;
}

}  // namespace

db::TableName UndoLogTable(const std::string& schema) { return db::TableName{schema, "undo_log"}; }

std::string EncodeUndo(const std::vector<UndoItem>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const UndoItem& u : items) {
    out.push_back({{"kind", static_cast<int>(u.kind)}, {"schema", u.table.schema},
                   {"table", u.table.table}, {"pk", u.pk}, {"columns", u.columns},
                   {"before", ValuesJson(u.before)}, {"after", ValuesJson(u.after)}});
  }
  return out.dump();
}

sim::Result<std::vector<UndoItem>> DecodeUndo(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return sim::MakeError(sim::Errc::kInvalid, "rollback_info is not an array");
  std::vector<UndoItem> items;
  for (const nlohmann::json& u : j) {
    if (!u.is_object() || !u.contains("kind") || !u.contains("columns")) {
      return sim::MakeError(sim::Errc::kInvalid, "rollback_info item malformed");
    }
    UndoItem item;
    item.kind = static_cast<UndoItem::Kind>(u.at("kind").get<int>());
    item.table = db::TableName{u.at("schema").get<std::string>(), u.at("table").get<std::string>()};
    item.pk = u.at("pk").get<int64_t>();
    item.columns = u.at("columns").get<std::vector<std::string>>();
    item.before = JsonValues(u.at("before"));
    item.after = JsonValues(u.at("after"));
    items.push_back(std::move(item));
  }
  return items;
}

const db::TableDef* FindTable(const std::vector<db::TableDef>& catalog, const db::TableName& table) {
  for (const db::TableDef& def : catalog) {
    if (def.name == table) return &def;
  }
  return nullptr;
}

}  // namespace models::seata
