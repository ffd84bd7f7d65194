// Exchange bookkeeping and routing for BrokerModel.
#include "models/mq/exchange_table.h"
#include "sim/assert.h"


namespace models::mq {

ExchangeTable::ExchangeTable() {
  Put("amq.direct", ExchangeOptions{ExchangeType::kDirect, false, true, false});
  Put("amq.fanout", ExchangeOptions{ExchangeType::kFanout, false, true, false});
  Put("amq.topic", ExchangeOptions{ExchangeType::kTopic, false, true, false});
}

bool ExchangeTable::Has(const std::string& name) const {
  return name.empty() || exchanges_.count(name) != 0;
}

const ExchangeOptions& ExchangeTable::Get(const std::string& name) const {
  auto it = exchanges_.find(name);
  SIM_ASSERT(it != exchanges_.end());
  return it->second;
}

void ExchangeTable::Put(const std::string& name, const ExchangeOptions& options) {
  SIM_ASSERT(!name.empty());
  ExchangeOptions stored = options;
  stored.passive = false;
  exchanges_[name] = stored;
}

void ExchangeTable::Erase(const std::string& name) {
  exchanges_.erase(name);
  for (auto it = bindings_.begin(); it != bindings_.end();) {
    it = it->exchange == name ? bindings_.erase(it) : std::next(it);
  }
}

std::vector<std::string> ExchangeTable::Names() const {
  std::vector<std::string> out;
  for (const auto& [name, options] : exchanges_) out.push_back(name);
  return out;
}

void ExchangeTable::Bind(const Binding& binding) { bindings_.insert(binding); }

void ExchangeTable::Unbind(const Binding& binding) { bindings_.erase(binding); }

std::vector<std::string> ExchangeTable::UnbindQueue(const std::string& queue) {
  std::set<std::string> touched;
  for (auto it = bindings_.begin(); it != bindings_.end();) {
    if (it->queue == queue) {
      touched.insert(it->exchange);
      it = bindings_.erase(it);
    } else {
      ++it;
    }
  }
  std::vector<std::string> now_unbound;
  for (const std::string& x : touched) {
    if (!HasBindings(x)) now_unbound.push_back(x);
  }
  return now_unbound;
}

bool ExchangeTable::HasBindings(const std::string& exchange) const {
  auto it = bindings_.lower_bound(Binding{exchange, "", ""});
  return it != bindings_.end() && it->exchange == exchange;
}

std::vector<Binding> ExchangeTable::Bindings() const {
  return std::vector<Binding>(bindings_.begin(), bindings_.end());
}

std::vector<std::string> ExchangeTable::RouteStored(const std::string& exchange,
                                                    const std::string& routing_key) const {
  auto x = exchanges_.find(exchange);
  if (x == exchanges_.end()) return {};
  const ExchangeType type = x->second.type;
  std::set<std::string> queues;
  for (auto it = bindings_.lower_bound(Binding{exchange, "", ""});
       it != bindings_.end() && it->exchange == exchange; ++it) {
    bool match = false;
    switch (type) {
      case ExchangeType::kFanout: match = true; break;
      case ExchangeType::kDirect: match = it->routing_key == routing_key; break;
      case ExchangeType::kTopic: match = TopicMatches(it->routing_key, routing_key); break;
    }
    if (match) queues.insert(it->queue);
  }
  return std::vector<std::string>(queues.begin(), queues.end());
}

}  // namespace models::mq
