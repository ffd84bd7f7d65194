// Goal: pin BrokerModel's RabbitMQ semantics that need no server: crash/restart durability,
// the persistence point, prefetch, requeue on consumer death, TTL + DLX chains, x-death
// counting, head-of-line expiry, max-length, channel errors, returns and topic matching.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include <functional>

#include "models/mq/broker_model.h"

namespace mq = models::mq;
using namespace sim::literals;

namespace {

const sim::Instant kT0 = sim::Instant::FromNanos(0) + 1_s;

mq::Message Msg(const std::string& body, uint8_t mode = 1) {
  mq::Message m;
  m.body = body;
  m.props.delivery_mode = mode;
  return m;
}

template <class T>
T Ok(sim::Result<T> r) {
  INFO((r.ok() ? std::string("ok") : r.error().ToString()));
  REQUIRE(r.ok());
  return std::move(r).value();
}
void Ok(sim::Result<void> r) {
  INFO((r.ok() ? std::string("ok") : r.error().ToString()));
  REQUIRE(r.ok());
}

std::vector<mq::Delivery> Deliveries(std::vector<mq::Event> events) {
  std::vector<mq::Delivery> out;
  for (auto& e : events) {
    if (auto* d = std::get_if<mq::Delivery>(&e)) out.push_back(std::move(*d));
  }
  return out;
}

std::vector<std::string> Bodies(const std::vector<mq::Delivery>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(d.message.body);
  return out;
}

// Drains a queue with basic.get (no-ack) and returns the bodies in order.
std::vector<std::string> Drain(mq::BrokerModel& b, mq::ChannelId ch, const std::string& q,
                               sim::Instant now) {
  std::vector<std::string> out;
  for (int i = 0; i < 1000; ++i) {
    mq::GetResult g = Ok(b.Get(ch, q, true, now));
    if (!g) break;
    out.push_back(g->message.body);
  }
  return out;
}

struct Fixture {
  mq::BrokerModel broker;
  mq::ConnectionId conn;
  mq::ChannelId ch;
  explicit Fixture(mq::BrokerConfig config = {}) : broker(config) {
    conn = Ok(broker.OpenConnection(kT0));
    ch = Ok(broker.OpenChannel(conn, kT0));
  }
  void Queue(const std::string& name, mq::QueueOptions o = {}) {
    Ok(broker.DeclareQueue(ch, name, o, kT0));
  }
};

}  // namespace

TEST_CASE("crash keeps confirmed persistent messages in durable queues only") {
  Fixture f;
  mq::ExchangeOptions durable_x{mq::ExchangeType::kTopic, false, true, false};
  Ok(f.broker.DeclareExchange(f.ch, "dx", durable_x, kT0));
  Ok(f.broker.DeclareExchange(f.ch, "tx", {mq::ExchangeType::kTopic}, kT0));
  mq::QueueOptions durable;
  durable.durable = true;
  f.Queue("qd", durable);
  f.Queue("qt");
  Ok(f.broker.BindQueue(f.ch, "qd", "dx", "a.#", kT0));
  Ok(f.broker.BindQueue(f.ch, "qt", "dx", "a.#", kT0));
  Ok(f.broker.ConfirmSelect(f.ch, kT0));
  Ok(f.broker.Publish(f.ch, "dx", "a.b", Msg("persistent", 2), {}, kT0));
  Ok(f.broker.Publish(f.ch, "dx", "a.b", Msg("transient", 1), {}, kT0));
  auto events = f.broker.TakeEvents();
  REQUIRE(events.size() == 2);  // both confirmed at once with sync_interval zero

  f.broker.Crash(kT0 + 1_s);
  CHECK(!f.broker.IsUp());
  CHECK(f.broker.Publish(f.ch, "dx", "a.b", Msg("x"), {}, kT0 + 1_s).code() ==
        sim::Errc::kUnavailable);
  f.broker.Restart(kT0 + 2_s);
  CHECK(f.broker.QueueNames() == std::vector<std::string>{"qd"});
  auto conn = Ok(f.broker.OpenConnection(kT0 + 2_s));
  auto ch = Ok(f.broker.OpenChannel(conn, kT0 + 2_s));
  CHECK(f.broker.DeclareExchange(ch, "tx", {mq::ExchangeType::kTopic, true}, kT0 + 2_s).code() ==
        sim::Errc::kNotFound);
  ch = Ok(f.broker.OpenChannel(conn, kT0 + 2_s));
  // The durable binding survived with the durable exchange.
  Ok(f.broker.Publish(ch, "dx", "a.c", Msg("after", 2), {}, kT0 + 2_s));
  CHECK(Drain(f.broker, ch, "qd", kT0 + 2_s) == std::vector<std::string>{"persistent", "after"});
}

TEST_CASE("with a sync interval, confirms wait for the sync point and a crash loses the rest") {
  Fixture f(mq::BrokerConfig{100_ms});
  mq::QueueOptions durable;
  durable.durable = true;
  f.Queue("q", durable);
  Ok(f.broker.ConfirmSelect(f.ch, kT0));
  const sim::Instant t = kT0 + 10_ms;
  CHECK(Ok(f.broker.Publish(f.ch, "", "q", Msg("early", 2), {}, t)) == 1);
  CHECK(Ok(f.broker.Publish(f.ch, "", "q", Msg("transient", 1), {}, t)) == 2);
  auto events = f.broker.TakeEvents();
  REQUIRE(events.size() == 1);  // the transient message is confirmed at once
  CHECK(std::get<mq::Confirm>(events[0]).delivery_tag == 2);
  REQUIRE(f.broker.NextExpiry().has_value());
  CHECK(*f.broker.NextExpiry() == kT0 + 100_ms);
  f.broker.Tick(kT0 + 100_ms);
  events = f.broker.TakeEvents();
  REQUIRE(events.size() == 1);
  CHECK(std::get<mq::Confirm>(events[0]).delivery_tag == 1);
  CHECK(std::get<mq::Confirm>(events[0]).ack);

  Ok(f.broker.Publish(f.ch, "", "q", Msg("late", 2), {}, kT0 + 150_ms));
  CHECK(f.broker.TakeEvents().empty());
  f.broker.Crash(kT0 + 160_ms);  // before the sync at 200 ms
  f.broker.Restart(kT0 + 1_s);
  auto conn = Ok(f.broker.OpenConnection(kT0 + 1_s));
  auto ch = Ok(f.broker.OpenChannel(conn, kT0 + 1_s));
  CHECK(Drain(f.broker, ch, "q", kT0 + 1_s) == std::vector<std::string>{"early"});
}

TEST_CASE("delivered but unacked persistent messages come back redelivered after a crash") {
  Fixture f;
  mq::QueueOptions durable;
  durable.durable = true;
  f.Queue("q", durable);
  Ok(f.broker.Publish(f.ch, "", "q", Msg("m", 2), {}, kT0));
  mq::GetResult g = Ok(f.broker.Get(f.ch, "q", false, kT0));
  REQUIRE(g);
  CHECK(!g->redelivered);
  f.broker.Crash(kT0 + 1_s);
  f.broker.Restart(kT0 + 2_s);
  auto conn = Ok(f.broker.OpenConnection(kT0 + 2_s));
  auto ch = Ok(f.broker.OpenChannel(conn, kT0 + 2_s));
  g = Ok(f.broker.Get(ch, "q", true, kT0 + 2_s));
  REQUIRE(g);
  CHECK(g->redelivered);
}

TEST_CASE("prefetch limits unacked deliveries per consumer") {
  Fixture f;
  f.Queue("q");
  for (int i = 0; i < 5; ++i) Ok(f.broker.Publish(f.ch, "", "q", Msg(std::to_string(i)), {}, kT0));
  Ok(f.broker.Qos(f.ch, 2, kT0));
  Ok(f.broker.Consume(f.ch, "q", "c1", false, kT0));
  auto ds = Deliveries(f.broker.TakeEvents());
  CHECK(Bodies(ds) == std::vector<std::string>{"0", "1"});
  CHECK(f.broker.Stats("q")->ready == 3);
  CHECK(f.broker.Stats("q")->unacked == 2);
  Ok(f.broker.Ack(f.ch, ds[0].delivery_tag, false, kT0));
  auto more = Deliveries(f.broker.TakeEvents());
  CHECK(Bodies(more) == std::vector<std::string>{"2"});
  Ok(f.broker.Ack(f.ch, more[0].delivery_tag, true, kT0));  // multiple: tags 2 and 3
  CHECK(Bodies(Deliveries(f.broker.TakeEvents())) == std::vector<std::string>{"3", "4"});
  CHECK(f.broker.Stats("q")->unacked == 2);
}

TEST_CASE("consumers of a queue take turns") {
  Fixture f;
  f.Queue("q");
  Ok(f.broker.Consume(f.ch, "q", "a", true, kT0));
  Ok(f.broker.Consume(f.ch, "q", "b", true, kT0));
  for (int i = 0; i < 4; ++i) Ok(f.broker.Publish(f.ch, "", "q", Msg(std::to_string(i)), {}, kT0));
  auto ds = Deliveries(f.broker.TakeEvents());
  REQUIRE(ds.size() == 4);
  CHECK(ds[0].consumer_tag == "a");
  CHECK(ds[1].consumer_tag == "b");
  CHECK(ds[2].consumer_tag == "a");
  CHECK(ds[3].consumer_tag == "b");
}

TEST_CASE("a dead consumer's unacked messages go back in order, redelivered") {
  Fixture f;
  f.Queue("q");
  auto other_conn = Ok(f.broker.OpenConnection(kT0));
  auto other = Ok(f.broker.OpenChannel(other_conn, kT0));
  for (int i = 0; i < 3; ++i) Ok(f.broker.Publish(f.ch, "", "q", Msg(std::to_string(i)), {}, kT0));
  Ok(f.broker.Consume(other, "q", "dies", false, kT0));
  CHECK(Deliveries(f.broker.TakeEvents()).size() == 3);
  Ok(f.broker.Publish(f.ch, "", "q", Msg("3"), {}, kT0));
  f.broker.TakeEvents();
  Ok(f.broker.CloseConnection(other_conn, kT0 + 1_s));  // the client's node crashed
  CHECK(f.broker.Stats("q")->ready == 4);
  std::vector<std::pair<std::string, bool>> got;
  for (int i = 0; i < 4; ++i) {
    mq::GetResult g = Ok(f.broker.Get(f.ch, "q", true, kT0 + 1_s));
    REQUIRE(g);
    got.emplace_back(g->message.body, g->redelivered);
  }
  using P = std::pair<std::string, bool>;
  CHECK(got == std::vector<P>{{"0", true}, {"1", true}, {"2", true}, {"3", true}});
  CHECK(f.broker.Ack(other, 1, false, kT0 + 1_s).code() == sim::Errc::kUnavailable);
}

TEST_CASE("TTL and DLX chain through two delay queues with x-death bookkeeping") {
  Fixture f;
  Ok(f.broker.DeclareExchange(f.ch, "x", {mq::ExchangeType::kTopic}, kT0));
  mq::QueueOptions first;
  first.args.message_ttl_ms = 100;
  first.args.dead_letter_exchange = "x";
  first.args.dead_letter_routing_key = "second";
  mq::QueueOptions second;
  second.args.message_ttl_ms = 200;
  second.args.dead_letter_exchange = "x";
  second.args.dead_letter_routing_key = "done";
  f.Queue("q1", first);
  f.Queue("q2", second);
  f.Queue("q3");
  Ok(f.broker.BindQueue(f.ch, "q1", "x", "first", kT0));
  Ok(f.broker.BindQueue(f.ch, "q2", "x", "second", kT0));
  Ok(f.broker.BindQueue(f.ch, "q3", "x", "done", kT0));
  mq::Message m = Msg("order-1", 2);
  m.props.expiration = "50";
  Ok(f.broker.Publish(f.ch, "x", "first", m, {}, kT0));
  CHECK(*f.broker.NextExpiry() == kT0 + 50_ms);
  f.broker.Tick(kT0 + 50_ms);
  CHECK(f.broker.Stats("q2")->ready == 1);
  CHECK(*f.broker.NextExpiry() == kT0 + 250_ms);
  f.broker.Tick(kT0 + 249_ms);
  CHECK(f.broker.Stats("q3")->ready == 0);
  f.broker.Tick(kT0 + 250_ms);
  mq::GetResult g = Ok(f.broker.Get(f.ch, "q3", true, kT0 + 250_ms));
  REQUIRE(g);
  CHECK(g->exchange == "x");
  CHECK(g->routing_key == "done");
  const mq::Properties& p = g->message.props;
  CHECK(!p.expiration.has_value());
  CHECK(p.delivery_mode == 2);
  REQUIRE(p.x_death.size() == 2);
  CHECK(p.x_death[0] == mq::XDeath{"q2", "expired", "x", {"second"}, 1, std::nullopt});
  CHECK(p.x_death[1] == mq::XDeath{"q1", "expired", "x", {"first"}, 1, "50"});
  CHECK(p.first_death_queue == "q1");
  CHECK(p.first_death_reason == "expired");
  CHECK(p.first_death_exchange == "x");
}

TEST_CASE("x-death counts repeated dead-lettering through the same queues") {
  Fixture f;
  Ok(f.broker.DeclareExchange(f.ch, "x", {mq::ExchangeType::kDirect}, kT0));
  mq::QueueOptions delay;
  delay.args.message_ttl_ms = 100;
  delay.args.dead_letter_exchange = "x";
  delay.args.dead_letter_routing_key = "work";
  mq::QueueOptions work;
  work.args.dead_letter_exchange = "x";
  work.args.dead_letter_routing_key = "retry";
  f.Queue("delay", delay);
  f.Queue("work", work);
  Ok(f.broker.BindQueue(f.ch, "delay", "x", "retry", kT0));
  Ok(f.broker.BindQueue(f.ch, "work", "x", "work", kT0));
  Ok(f.broker.Publish(f.ch, "x", "retry", Msg("job"), {}, kT0));
  sim::Instant t = kT0;
  for (int round = 1; round <= 3; ++round) {
    t = t + 100_ms;
    f.broker.Tick(t);
    mq::GetResult g = Ok(f.broker.Get(f.ch, "work", false, t));
    REQUIRE(g);
    const auto& deaths = g->message.props.x_death;
    REQUIRE(!deaths.empty());
    CHECK(deaths[0].queue == "delay");
    CHECK(deaths[0].count == round);
    if (round > 1) {
      REQUIRE(deaths.size() == 2);
      CHECK(deaths[1] == mq::XDeath{"work", "rejected", "x", {"work"}, round - 1, {}});
    }
    Ok(f.broker.Reject(f.ch, g->delivery_tag, false, t));  // back to the delay queue
  }
}

TEST_CASE("an automatic dead-letter cycle is dropped, a rejected one is not") {
  Fixture f;
  mq::QueueOptions self;
  self.args.message_ttl_ms = 10;
  self.args.dead_letter_exchange = "";  // the default exchange, routing back to "loop"
  f.Queue("loop", self);
  Ok(f.broker.Publish(f.ch, "", "loop", Msg("m"), {}, kT0));
  f.broker.Tick(kT0 + 1_s);
  CHECK(f.broker.Stats("loop")->ready == 0);
  CHECK(!f.broker.NextExpiry().has_value());
}

TEST_CASE("a long-TTL head blocks expired messages behind it") {
  Fixture f;
  mq::QueueOptions o;
  o.args.dead_letter_exchange = "";
  o.args.dead_letter_routing_key = "dead";
  f.Queue("q", o);
  f.Queue("dead");
  mq::Message slow = Msg("slow");
  slow.props.expiration = "2000";
  mq::Message fast = Msg("fast");
  fast.props.expiration = "200";
  Ok(f.broker.Publish(f.ch, "", "q", slow, {}, kT0));
  Ok(f.broker.Publish(f.ch, "", "q", fast, {}, kT0));
  f.broker.Tick(kT0 + 1_s);
  CHECK(f.broker.Stats("q")->ready == 2);
  CHECK(f.broker.Stats("dead")->ready == 0);
  f.broker.Tick(kT0 + 2_s);
  CHECK(Drain(f.broker, f.ch, "dead", kT0 + 2_s) == std::vector<std::string>{"slow", "fast"});
}

TEST_CASE("consuming the blocking head releases the expired messages behind it") {
  Fixture f;
  f.Queue("q");
  mq::Message slow = Msg("slow");
  slow.props.expiration = "2000";
  mq::Message fast = Msg("fast");
  fast.props.expiration = "200";
  Ok(f.broker.Publish(f.ch, "", "q", slow, {}, kT0));
  Ok(f.broker.Publish(f.ch, "", "q", fast, {}, kT0));
  mq::GetResult g = Ok(f.broker.Get(f.ch, "q", true, kT0 + 1_s));
  REQUIRE(g);
  CHECK(g->message.body == "slow");
  CHECK(g->message_count == 0);  // "fast" expired the moment it reached the head
}

TEST_CASE("x-max-length drop-head dead-letters the head, reject-publish nacks") {
  Fixture f;
  mq::QueueOptions drop;
  drop.args.max_length = 2;
  drop.args.dead_letter_exchange = "";
  drop.args.dead_letter_routing_key = "dlq";
  f.Queue("drop", drop);
  f.Queue("dlq");
  mq::QueueOptions reject;
  reject.args.max_length = 1;
  reject.args.overflow = mq::Overflow::kRejectPublish;
  f.Queue("reject", reject);
  for (int i = 0; i < 3; ++i) {
    Ok(f.broker.Publish(f.ch, "", "drop", Msg(std::to_string(i)), {}, kT0));
  }
  mq::GetResult dead = Ok(f.broker.Get(f.ch, "dlq", true, kT0));
  REQUIRE(dead);
  CHECK(dead->message.body == "0");
  CHECK(dead->message.props.x_death.at(0).reason == "maxlen");
  CHECK(Drain(f.broker, f.ch, "drop", kT0) == std::vector<std::string>{"1", "2"});

  Ok(f.broker.ConfirmSelect(f.ch, kT0));
  Ok(f.broker.Publish(f.ch, "", "reject", Msg("a"), {}, kT0));
  Ok(f.broker.Publish(f.ch, "", "reject", Msg("b"), {}, kT0));
  auto events = f.broker.TakeEvents();
  REQUIRE(events.size() == 2);
  CHECK(std::get<mq::Confirm>(events[0]).ack);
  CHECK(!std::get<mq::Confirm>(events[1]).ack);
  CHECK(Drain(f.broker, f.ch, "reject", kT0) == std::vector<std::string>{"a"});
}

TEST_CASE("nack with requeue puts the message back at its position, redelivered") {
  Fixture f;
  f.Queue("q");
  for (int i = 0; i < 3; ++i) Ok(f.broker.Publish(f.ch, "", "q", Msg(std::to_string(i)), {}, kT0));
  mq::GetResult first = Ok(f.broker.Get(f.ch, "q", false, kT0));
  mq::GetResult second = Ok(f.broker.Get(f.ch, "q", false, kT0));
  REQUIRE(first);
  REQUIRE(second);
  CHECK(second->message_count == 1);
  Ok(f.broker.Nack(f.ch, second->delivery_tag, true, true, kT0));  // both back
  mq::GetResult again = Ok(f.broker.Get(f.ch, "q", true, kT0));
  REQUIRE(again);
  CHECK(again->message.body == "0");
  CHECK(again->redelivered);
  CHECK(again->message_count == 2);
}

TEST_CASE("an unknown delivery tag closes the channel with 406 and requeues its messages") {
  Fixture f;
  f.Queue("q");
  Ok(f.broker.Publish(f.ch, "", "q", Msg("m"), {}, kT0));
  mq::GetResult g = Ok(f.broker.Get(f.ch, "q", false, kT0));
  REQUIRE(g);
  auto r = f.broker.Ack(f.ch, g->delivery_tag + 7, false, kT0);
  REQUIRE(!r.ok());
  CHECK(mq::ReplyCode(r.error()) == mq::kPreconditionFailed);
  CHECK(!f.broker.ChannelOpen(f.ch));
  CHECK(f.broker.Stats("q")->ready == 1);
  auto r2 = f.broker.Get(f.ch, "q", true, kT0);
  CHECK(mq::ReplyCode(r2.error()) == 0);
}

TEST_CASE("an unroutable mandatory message is returned before its confirm") {
  Fixture f;
  Ok(f.broker.ConfirmSelect(f.ch, kT0));
  Ok(f.broker.Publish(f.ch, "amq.direct", "nowhere", Msg("m"), {true}, kT0));
  auto events = f.broker.TakeEvents();
  REQUIRE(events.size() == 2);
  CHECK(std::get<mq::Returned>(events[0]).reply_code == mq::kNoRoute);
  CHECK(std::get<mq::Confirm>(events[1]).ack);
  auto r = f.broker.Publish(f.ch, "missing", "k", Msg("m"), {}, kT0);
  CHECK(mq::ReplyCode(r.error()) == mq::kNotFound);
}

TEST_CASE("redeclaring with different arguments fails with 406") {
  Fixture f;
  mq::QueueOptions o;
  o.args.message_ttl_ms = 100;
  f.Queue("q", o);
  f.Queue("q", o);  // idempotent
  o.args.message_ttl_ms = 200;
  auto r = f.broker.DeclareQueue(f.ch, "q", o, kT0);
  CHECK(mq::ReplyCode(r.error()) == mq::kPreconditionFailed);
}

namespace {
// Reference matcher: straightforward recursion over words.
bool RefMatch(const std::vector<std::string>& p, size_t i, const std::vector<std::string>& k,
              size_t j) {
  if (i == p.size()) return j == k.size();
  if (p[i] == "#") {
    for (size_t skip = j; skip <= k.size(); ++skip) {
      if (RefMatch(p, i + 1, k, skip)) return true;
    }
    return false;
  }
  if (j == k.size()) return false;
  return (p[i] == "*" || p[i] == k[j]) && RefMatch(p, i + 1, k, j + 1);
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) out += (i ? "." : "") + words[i];
  return out;
}
}  // namespace

TEST_CASE("topic matching") {
  CHECK(mq::TopicMatches("order.#", "order"));
  CHECK(mq::TopicMatches("order.#", "order.release.other"));
  CHECK(!mq::TopicMatches("order.*", "order"));
  CHECK(mq::TopicMatches("order.*", "order.x"));
  CHECK(!mq::TopicMatches("order.*", "order.x.y"));
  CHECK(mq::TopicMatches("#", ""));
  CHECK(!mq::TopicMatches("*", ""));
  CHECK(mq::TopicMatches("*.*", "."));
  CHECK(mq::TopicMatches("a.#.b", "a.b"));
}

TEST_CASE("topic matching agrees with a reference matcher") {
  rc::prop("TopicMatches == reference", [] {
    auto word = rc::gen::element<std::string>("a", "b", "", "*", "#");
    auto key_word = rc::gen::element<std::string>("a", "b", "");
    auto pattern = *rc::gen::container<std::vector<std::string>>(word).as("pattern");
    auto key = *rc::gen::container<std::vector<std::string>>(key_word).as("key");
    // "" joined alone is the empty key, which has no words at all.
    const std::string p = Join(pattern);
    const std::string k = Join(key);
    RC_ASSERT(mq::TopicMatches(p, k) ==
              RefMatch(mq::SplitTopicWords(p), 0, mq::SplitTopicWords(k), 0));
  });
}

TEST_CASE("a rejected message may cycle back into its own queue") {
  Fixture f;
  mq::QueueOptions self;
  self.args.dead_letter_exchange = "";  // back to "retry" by its original routing key
  f.Queue("retry", self);
  Ok(f.broker.Publish(f.ch, "", "retry", Msg("m"), {}, kT0));
  for (int round = 1; round <= 2; ++round) {
    mq::GetResult g = Ok(f.broker.Get(f.ch, "retry", false, kT0));
    REQUIRE(g);
    if (round > 1) CHECK(g->message.props.x_death.at(0).count == round - 1);
    Ok(f.broker.Reject(f.ch, g->delivery_tag, false, kT0));
  }
  CHECK(f.broker.Stats("retry")->ready == 1);
}

TEST_CASE("exclusive queues die with their connection, auto-delete with their last consumer") {
  Fixture f;
  mq::QueueOptions exclusive;
  exclusive.exclusive = true;
  f.Queue("mine", exclusive);
  mq::QueueOptions auto_delete;
  auto_delete.auto_delete = true;
  f.Queue("temp", auto_delete);
  auto other_conn = Ok(f.broker.OpenConnection(kT0));
  auto other = Ok(f.broker.OpenChannel(other_conn, kT0));
  auto locked = f.broker.Get(other, "mine", true, kT0);
  CHECK(mq::ReplyCode(locked.error()) == mq::kResourceLocked);
  other = Ok(f.broker.OpenChannel(other_conn, kT0));
  Ok(f.broker.Consume(other, "temp", "t", true, kT0));
  Ok(f.broker.Cancel(other, "t", kT0));
  CHECK(!f.broker.Stats("temp").has_value());
  Ok(f.broker.CloseConnection(f.conn, kT0));
  CHECK(!f.broker.Stats("mine").has_value());
}

TEST_CASE("reusing a consumer tag on a channel is a connection error") {
  Fixture f;
  f.Queue("q");
  Ok(f.broker.Consume(f.ch, "q", "c", false, kT0));
  auto r = f.broker.Consume(f.ch, "q", "c", false, kT0);
  CHECK(mq::ReplyCode(r.error()) == 530);
  CHECK(f.broker.OpenChannel(f.conn, kT0).code() == sim::Errc::kUnavailable);
  CHECK(f.broker.Stats("q")->consumers == 0);
}

TEST_CASE("an ack that was not synced before a crash is undone") {
  Fixture f(mq::BrokerConfig{100_ms});
  mq::QueueOptions durable;
  durable.durable = true;
  f.Queue("q", durable);
  Ok(f.broker.Publish(f.ch, "", "q", Msg("m", 2), {}, kT0 + 10_ms));
  f.broker.Tick(kT0 + 100_ms);  // the write is synced
  mq::GetResult g = Ok(f.broker.Get(f.ch, "q", false, kT0 + 110_ms));
  REQUIRE(g);
  Ok(f.broker.Ack(f.ch, g->delivery_tag, false, kT0 + 120_ms));
  f.broker.Crash(kT0 + 150_ms);  // before the ack's sync at 200 ms
  f.broker.Restart(kT0 + 1_s);
  auto conn = Ok(f.broker.OpenConnection(kT0 + 1_s));
  auto ch = Ok(f.broker.OpenChannel(conn, kT0 + 1_s));
  CHECK(Drain(f.broker, ch, "q", kT0 + 1_s) == std::vector<std::string>{"m"});
}

namespace {
// Runs a seeded pseudo-random workload and returns a text log of everything observable.
std::string RunWorkload(const std::vector<int>& choices) {
  Fixture f(mq::BrokerConfig{50_ms});
  mq::QueueOptions o;
  o.durable = true;
  o.args.message_ttl_ms = 300;
  o.args.max_length = 4;
  o.args.dead_letter_exchange = "";
  o.args.dead_letter_routing_key = "dlq";
  f.Queue("q", o);
  f.Queue("dlq");
  Ok(f.broker.ConfirmSelect(f.ch, kT0));
  Ok(f.broker.Qos(f.ch, 2, kT0));
  Ok(f.broker.Consume(f.ch, "dlq", "d", false, kT0));
  std::string log;
  sim::Instant now = kT0;
  uint64_t last_tag = 0;
  for (int c : choices) {
    now = now + sim::Duration::Millis(c % 97);
    switch (c % 5) {
      case 0:
      case 1: (void)f.broker.Publish(f.ch, "", "q", Msg(std::to_string(c), 2), {}, now); break;
      case 2: {
        auto g = f.broker.Get(f.ch, "q", c % 2 == 0, now);
        if (g.ok() && *g && c % 2 != 0) last_tag = (*g)->delivery_tag;
        break;
      }
      case 3:
        if (last_tag != 0) (void)f.broker.Nack(f.ch, last_tag, true, c % 3 == 0, now);
        last_tag = 0;
        break;
      case 4: f.broker.Tick(now); break;
    }
    for (const mq::Event& e : f.broker.TakeEvents()) {
      if (const auto* d = std::get_if<mq::Delivery>(&e)) log += "D" + d->message.body + ";";
      if (const auto* k = std::get_if<mq::Confirm>(&e)) {
        log += "C" + std::to_string(k->delivery_tag) + ";";
      }
    }
    if (auto next = f.broker.NextExpiry()) log += "N" + std::to_string(next->nanos()) + ";";
  }
  return log;
}
}  // namespace

TEST_CASE("the model is deterministic: the same inputs give the same outputs") {
  rc::prop("two runs of one workload log the same events", [] {
    const auto choices = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 1000));
    RC_ASSERT(RunWorkload(choices) == RunWorkload(choices));
  });
}
