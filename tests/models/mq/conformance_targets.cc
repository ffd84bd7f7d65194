// Model and real targets for the MQ conformance scripts, and the trace formatting.
#include "tests/models/mq/conformance_targets.h"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

namespace mqtest {

std::string Trace::Joined() const {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

namespace {

std::string Err(const sim::Error& e) {
  const uint16_t code = mq::ReplyCode(e);
  if (code != 0) return fmt::format("err {}", code);
  return "err " + std::string(sim::ErrcName(e.code));
}

std::string FmtHeaders(const mq::Properties& p) {
  std::string out;
  for (const auto& [k, v] : p.headers) {
    out += " h:" + k + "=";
    if (auto* i = std::get_if<int64_t>(&v)) out += std::to_string(*i);
    if (auto* s = std::get_if<std::string>(&v)) out += *s;
    if (auto* b = std::get_if<bool>(&v)) out += *b ? "true" : "false";
  }
  return out;
}

}  // namespace

std::string FmtMessage(const mq::Message& m) {
  const mq::Properties& p = m.props;
  std::string out = fmt::format("body={} mode={}", m.body, p.delivery_mode);
  if (p.expiration) out += " exp=" + *p.expiration;
  if (p.message_id) out += " id=" + *p.message_id;
  out += FmtHeaders(p);
  for (const mq::XDeath& d : p.x_death) {
    out += fmt::format(" death[{} {} x={} rk={} n={}{}]", d.queue, d.reason, d.exchange,
                       fmt::join(d.routing_keys, ","), d.count,
                       d.original_expiration ? " oe=" + *d.original_expiration : "");
  }
  if (p.first_death_reason) {
    out += fmt::format(" first={}/{}/{}", *p.first_death_reason,
                       p.first_death_queue.value_or("?"), p.first_death_exchange.value_or("?"));
  }
  return out;
}

std::string Fmt(const sim::Result<void>& r) { return r ? "ok" : Err(r.error()); }

std::string Fmt(const sim::Result<mq::QueueDeclareOk>& r) {
  if (!r) return Err(r.error());
  return fmt::format("ok {} messages={} consumers={}", r->queue, r->message_count,
                     r->consumer_count);
}

std::string Fmt(const sim::Result<mq::GetResult>& r) {
  if (!r) return Err(r.error());
  if (!r->has_value()) return "get-empty";
  const mq::GetOk& g = **r;
  return fmt::format("get-ok tag={} redelivered={} x={} rk={} count={} {}", g.delivery_tag,
                     g.redelivered, g.exchange, g.routing_key, g.message_count,
                     FmtMessage(g.message));
}

std::string Fmt(const sim::Result<uint64_t>& r) {
  return r ? "ok " + std::to_string(*r) : Err(r.error());
}

std::string Fmt(const sim::Result<uint32_t>& r) {
  return r ? "ok " + std::to_string(*r) : Err(r.error());
}

std::string Fmt(const sim::Result<std::string>& r) { return r ? "ok " + *r : Err(r.error()); }

std::string FmtEvents(const std::vector<mq::Event>& events,
                      const std::function<uint64_t(mq::ChannelId)>& channel_number) {
  auto num = [&](mq::ChannelId ch) { return channel_number(ch); };
  std::vector<mq::Event> sorted = events;
  std::stable_sort(sorted.begin(), sorted.end(), [&](const mq::Event& a, const mq::Event& b) {
    return num(mq::EventChannel(a)) < num(mq::EventChannel(b));
  });
  // Sort each run of consecutive confirms by (channel, tag).
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    while (j < sorted.size() && std::holds_alternative<mq::Confirm>(sorted[j])) ++j;
    std::stable_sort(sorted.begin() + static_cast<std::ptrdiff_t>(i),
                     sorted.begin() + static_cast<std::ptrdiff_t>(j),
                     [&](const mq::Event& a, const mq::Event& b) {
                       const auto& ca = std::get<mq::Confirm>(a);
                       const auto& cb = std::get<mq::Confirm>(b);
                       return std::pair(num(ca.channel), ca.delivery_tag) <
                              std::pair(num(cb.channel), cb.delivery_tag);
                     });
    i = j == i ? i + 1 : j;
  }
  std::vector<std::string> parts;
  for (const mq::Event& e : sorted) {
    if (const auto* d = std::get_if<mq::Delivery>(&e)) {
      parts.push_back(fmt::format("deliver ch{} ctag={} tag={} redelivered={} x={} rk={} {}",
                                  num(d->channel), d->consumer_tag, d->delivery_tag,
                                  d->redelivered, d->exchange, d->routing_key,
                                  FmtMessage(d->message)));
    } else if (const auto* r = std::get_if<mq::Returned>(&e)) {
      parts.push_back(fmt::format("return ch{} {} {} x={} rk={} {}", num(r->channel),
                                  r->reply_code, r->reply_text, r->exchange, r->routing_key,
                                  FmtMessage(r->message)));
    } else if (const auto* c = std::get_if<mq::Confirm>(&e)) {
      parts.push_back(fmt::format("confirm ch{} tag={} {}", num(c->channel), c->delivery_tag,
                                  c->ack ? "ack" : "nack"));
    } else if (const auto* x = std::get_if<mq::ConsumerCancelled>(&e)) {
      parts.push_back(fmt::format("cancelled ch{} ctag={}", num(x->channel), x->consumer_tag));
    }
  }
  if (parts.empty()) return "none";
  return fmt::format("{}", fmt::join(parts, " | "));
}

std::string UniquePrefix() {
  const auto ticks = std::chrono::system_clock::now().time_since_epoch().count();
  static int counter = 0;
  return fmt::format("mqc-{}-{}-{}.", getpid(), ticks % 1'000'000'000, ++counter);
}

Traces RunBoth(const Script& script) {
  const std::string prefix = UniquePrefix();
  Traces out;
  {
    ModelTarget model;
    script(model, out.model, prefix);
  }
  {
    RealTarget real;
    script(real, out.real, prefix);
  }
  return out;
}

void ExpectSame(const Traces& t) {
  INFO("model trace:\n" << t.model.Joined() << "real trace:\n" << t.real.Joined());
  const size_t n = std::max(t.model.lines.size(), t.real.lines.size());
  for (size_t i = 0; i < n; ++i) {
    const std::string m = i < t.model.lines.size() ? t.model.lines[i] : "<missing>";
    const std::string r = i < t.real.lines.size() ? t.real.lines[i] : "<missing>";
    CHECK(m == r);
  }
}

void Conform(const Script& script, const std::vector<std::string>& must_show) {
  Traces t = RunBoth(script);
  ExpectSame(t);
  const std::string joined = t.model.Joined();
  for (const std::string& s : must_show) CHECK_THAT(joined, Catch::Matchers::Contains(s));
}

mq::Message Msg(const std::string& body, uint8_t mode) {
  mq::Message m;
  m.body = body;
  m.props.delivery_mode = mode;
  return m;
}

mq::Message Expiring(const std::string& body, const std::string& expiration) {
  mq::Message m = Msg(body);
  m.props.expiration = expiration;
  return m;
}

void DrainTo(Trace& tr, Target& t, Ch ch, const std::string& q, const std::string& label) {
  for (int i = 0; i < 50; ++i) {
    auto g = t.Get(ch, q, true);
    tr.Add(label, Fmt(g));
    if (!g.ok() || !g->has_value()) return;
  }
}

uint64_t TagOf(const sim::Result<mq::GetResult>& g) {
  return g.ok() && g->has_value() ? (*g)->delivery_tag : 0;
}

void PublishAll(Trace& tr, Target& t, Ch ch, const std::string& q,
                const std::vector<std::string>& bodies) {
  for (const std::string& body : bodies) tr.Add("publish", Fmt(t.Publish(ch, "", q, Msg(body))));
}

std::vector<std::string> Numbered(const std::string& stem, int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(stem + std::to_string(i));
  return out;
}

int AmqpPort() {
  const char* env = std::getenv("MALLSIM_AMQP_PORT");
  return env != nullptr ? std::atoi(env) : 5679;
}

}  // namespace mqtest
