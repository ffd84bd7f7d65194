#include "sim/trace.h"

#include <nlohmann/json.hpp>

#include "sim/rng.h"

namespace sim {

const TraceValue* TraceEvent::Field(std::string_view key) const {
  for (const TraceField& f : fields) {
    if (f.key == key) return &f.value;
  }
  return nullptr;
}

uint64_t Trace::HashEvent(const TraceEvent& e) {
  uint64_t h = Fnv1a64(e.name);
  h = (h ^ static_cast<uint64_t>(e.time.nanos())) * 0x100000001b3ULL;
  h = (h ^ e.node) * 0x100000001b3ULL;
  for (const TraceField& f : e.fields) {
    h = Fnv1a64(f.key, h);
    if (const int64_t* i = std::get_if<int64_t>(&f.value)) {
      h = (h ^ static_cast<uint64_t>(*i)) * 0x100000001b3ULL;
    } else {
      h = Fnv1a64(std::get<std::string>(f.value), h ^ 0x5bd1e995ULL);
    }
  }
  return h;
}

void Trace::Emit(Instant time, NodeId node, std::string_view name,
                 std::vector<TraceField> fields) {
  TraceEvent e{count_++, time, node, std::string(name), std::move(fields)};
  hash_ = (hash_ ^ HashEvent(e)) * 0x100000001b3ULL;
  hash_ ^= hash_ >> 29;
  // Subscribers may emit further events; iterate over a snapshot of the list.
  if (!subscribers_->empty()) {
    const std::shared_ptr<const Subscribers> subscribers = subscribers_;
    for (const auto& [id, s] : *subscribers) s(e);
  }
  if (record_all_) all_.push_back(e);
  if (keep_last_ > 0) {
    if (recent_.size() == keep_last_) recent_.pop_front();
    recent_.push_back(std::move(e));
  }
}

void Trace::SetNodeName(NodeId node, std::string name) {
  if (node_names_.size() <= node) node_names_.resize(node + 1);
  node_names_[node] = std::move(name);
}

const std::string& Trace::NodeName(NodeId node) const {
  static const std::string kWorld = "world";
  if (node < node_names_.size() && !node_names_[node].empty()) return node_names_[node];
  return kWorld;
}

size_t Trace::Subscribe(Subscriber s) {
  auto next = std::make_shared<Subscribers>(*subscribers_);
  next->emplace_back(next_subscriber_id_, std::move(s));
  subscribers_ = std::move(next);
  return next_subscriber_id_++;
}

void Trace::Unsubscribe(size_t id) {
  auto next = std::make_shared<Subscribers>(*subscribers_);
  std::erase_if(*next, [id](const auto& p) { return p.first == id; });
  subscribers_ = std::move(next);
}

std::string Trace::ToJson(const TraceEvent& e) const {
  nlohmann::ordered_json j;
  j["i"] = e.index;
  j["t_ns"] = e.time.nanos();
  j["node"] = NodeName(e.node);
  j["name"] = e.name;
  nlohmann::ordered_json fields = nlohmann::ordered_json::object();
  for (const TraceField& f : e.fields) {
    std::visit([&](const auto& v) { fields[f.key] = v; }, f.value);
  }
  j["fields"] = std::move(fields);
  return j.dump();
}

void Trace::WriteJsonLines(std::ostream& out) const {
  for (const TraceEvent& e : all_) out << ToJson(e) << '\n';
}

std::string Trace::Describe(const TraceEvent& e) const {
  std::string out = FormatInstant(e.time) + " " + NodeName(e.node) + " " + e.name;
  for (const TraceField& f : e.fields) {
    out += " " + f.key + "=";
    std::visit(
        [&](const auto& v) {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
            out += v;
          } else {
            out += std::to_string(v);
          }
        },
        f.value);
  }
  return out;
}

}  // namespace sim
