#pragma once
// Structured trace events (time, node, name, fields) feeding a rolling 64-bit hash.
//
// The hash is the run's fingerprint: two runs from one seed must end with the same hash, and
// tests pin golden hashes for a few seeds so any change of behaviour is a conscious one.
// The trace keeps the last `keep_last` events (for assertion messages and reports) and, when
// asked to record, every event (for the determinism check and JSON Lines export).
// Subscribers see every event as it is emitted: white-box invariants and event-triggered
// faults hang off them. Names follow `component.event_in_snake_case`.

#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/scheduler.h"
#include "sim/time.h"

namespace sim {

using TraceValue = std::variant<int64_t, std::string>;

struct TraceField {
  std::string key;
  TraceValue value;
  TraceField(std::string k, int64_t v) : key(std::move(k)), value(v) {}
  TraceField(std::string k, int v) : key(std::move(k)), value(int64_t{v}) {}
  TraceField(std::string k, uint32_t v) : key(std::move(k)), value(int64_t{v}) {}
  TraceField(std::string k, uint64_t v) : key(std::move(k)), value(static_cast<int64_t>(v)) {}
  TraceField(std::string k, std::string v) : key(std::move(k)), value(std::move(v)) {}
  TraceField(std::string k, const char* v) : key(std::move(k)), value(std::string(v)) {}
  bool operator==(const TraceField&) const = default;
};

struct TraceEvent {
  uint64_t index = 0;  // position in the run's trace
  Instant time;
  NodeId node = kWorldOwner;
  std::string name;
  std::vector<TraceField> fields;
  bool operator==(const TraceEvent&) const = default;

  // Looks a field up by key; nullptr when absent.
  const TraceValue* Field(std::string_view key) const;
};

class Trace {
 public:
  using Subscriber = std::function<void(const TraceEvent&)>;

  explicit Trace(size_t keep_last = 64) : keep_last_(keep_last) {}

  void Emit(Instant time, NodeId node, std::string_view name, std::vector<TraceField> fields = {});
  // Folds a value into the hash without recording an event (cheap, for hot paths such as
  // message deliveries).
  void Mix(uint64_t value) { hash_ = (hash_ ^ value) * 0x100000001b3ULL; }

  void SetRecordAll(bool record) { record_all_ = record; }
  void SetNodeName(NodeId node, std::string name);
  const std::string& NodeName(NodeId node) const;
  // Returns a subscription id; subscribers run synchronously inside Emit.
  size_t Subscribe(Subscriber s);
  void Unsubscribe(size_t id);

  uint64_t hash() const { return hash_; }
  uint64_t count() const { return count_; }
  const std::deque<TraceEvent>& recent() const { return recent_; }
  const std::vector<TraceEvent>& all() const { return all_; }

  std::string ToJson(const TraceEvent& e) const;  // one line, no newline
  void WriteJsonLines(std::ostream& out) const;   // every recorded event
  std::string Describe(const TraceEvent& e) const;  // "12.345 ware node.crash k=v"

 private:
  static uint64_t HashEvent(const TraceEvent& e);

  size_t keep_last_;
  bool record_all_ = false;
  uint64_t hash_ = 0xcbf29ce484222325ULL;
  uint64_t count_ = 0;
  std::deque<TraceEvent> recent_;
  std::vector<TraceEvent> all_;
  std::vector<std::string> node_names_;
  // Copy-on-write: Emit holds the list it started with (a subscriber may subscribe or
  // unsubscribe, or emit, while it runs) for the price of a reference count, not a copy.
  using Subscribers = std::vector<std::pair<size_t, Subscriber>>;
  std::shared_ptr<const Subscribers> subscribers_ = std::make_shared<const Subscribers>();
  size_t next_subscriber_id_ = 1;
};

}  // namespace sim
