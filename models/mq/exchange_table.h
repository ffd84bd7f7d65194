#pragma once
// Exchanges and queue bindings of the one virtual host BrokerModel serves, and routing.
// Part of BrokerModel; see broker_model.h for the fidelity contract.
//
// Routing: direct = binding key equals routing key; fanout = every bound queue; topic =
// TopicMatches(binding key, routing key); the default exchange "" (implicit, never stored)
// names the destination queue by routing key. Routed queue names come back sorted and
// without duplicates, so a queue bound twice gets one copy.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/mq/types.h"

namespace models::mq {

struct Binding {
  std::string exchange;
  std::string queue;
  std::string routing_key;
  auto operator<=>(const Binding&) const = default;
};

class ExchangeTable {
 public:
  // Creates amq.direct, amq.fanout and amq.topic, which always exist.
  ExchangeTable();

  bool Has(const std::string& name) const;
  // REQUIRES: Has(name) and name is not "".
  const ExchangeOptions& Get(const std::string& name) const;
  void Put(const std::string& name, const ExchangeOptions& options);
  // Removes the exchange and its bindings.
  void Erase(const std::string& name);
  std::vector<std::string> Names() const;

  void Bind(const Binding& binding);
  void Unbind(const Binding& binding);
  // Removes every binding to `queue` and returns the exchanges left with no bindings.
  std::vector<std::string> UnbindQueue(const std::string& queue);
  bool HasBindings(const std::string& exchange) const;
  std::vector<Binding> Bindings() const;

  // Queue names the message goes to. `queue_exists` is consulted only for "".
  template <class QueueExists>
  std::vector<std::string> Route(const std::string& exchange, const std::string& routing_key,
                                 const QueueExists& queue_exists) const {
    if (exchange.empty()) {
      if (queue_exists(routing_key)) return {routing_key};
      return {};
    }
    return RouteStored(exchange, routing_key);
  }

 private:
  std::vector<std::string> RouteStored(const std::string& exchange,
                                       const std::string& routing_key) const;

  std::map<std::string, ExchangeOptions> exchanges_;
  std::set<Binding> bindings_;
};

}  // namespace models::mq
