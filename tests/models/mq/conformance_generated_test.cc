// Goal: generated operation sequences (RapidCheck) give the same answers on BrokerModel
// and on a real rabbitmq-server 3.10: get/ack/nack/reject with x-max-length and
// dead-lettering, consumers with prefetch/cancel/requeue, and random topic patterns.
#include <catch2/catch.hpp>
#include <rapidcheck.h>
#include <rapidcheck/catch.h>

#include "tests/models/mq/conformance_targets.h"

using namespace mqtest;

namespace {
const mq::ExchangeOptions kTopic{mq::ExchangeType::kTopic};
}  // namespace

namespace {

// One step of a generated session on one channel over two queues: "main" (random
// x-max-length, dead-letters to "dlq") and "dlq".
struct Op {
  enum Kind { kPublish, kGetAck, kGetNoAck, kAck, kNack, kReject, kBogusAck, kPurge, kCount,
              kCloseChannel } kind;
  int queue = 0;        // 0 = main, 1 = dlq
  int pick = 0;         // which outstanding delivery tag (modulo their number)
  bool flag = false;    // multiple (ack/nack) or requeue (reject)
  bool requeue = false; // nack
};

// RapidCheck finds this by its own (camelCase) name to print counterexamples.
void showValue(const Op& op, std::ostream& os) {
  os << "op" << static_cast<int>(op.kind) << "(q" << op.queue << " pick" << op.pick << " "
     << op.flag << op.requeue << ")";
}

}  // namespace

namespace rc {
template <>
struct Arbitrary<Op> {
  static Gen<Op> arbitrary() {
    return gen::build<Op>(
        gen::set(&Op::kind, gen::weightedElement<Op::Kind>(
                                {{6, Op::kPublish}, {3, Op::kGetAck}, {1, Op::kGetNoAck},
                                 {2, Op::kAck}, {2, Op::kNack}, {2, Op::kReject},
                                 {1, Op::kBogusAck}, {1, Op::kPurge}, {1, Op::kCount},
                                 {1, Op::kCloseChannel}})),
        gen::set(&Op::queue, gen::weightedElement<int>({{4, 0}, {1, 1}})),
        gen::set(&Op::pick, gen::inRange(0, 8)), gen::set(&Op::flag, gen::arbitrary<bool>()),
        gen::set(&Op::requeue, gen::arbitrary<bool>()));
  }
};
}  // namespace rc

TEST_CASE("conformance: generated get/ack/nack/reject/max-length sequences", "[integration]") {
  rc::prop("model and server agree on every answer", [] {
    const auto max_length = *rc::gen::inRange<int64_t>(1, 5).as("x-max-length");
    const auto ops = *rc::gen::container<std::vector<Op>>(rc::gen::arbitrary<Op>()).as("ops");
    Traces traces = RunBoth([&](Target& t, Trace& tr, const std::string& p) {
      const int c = t.Connect();
      Ch ch = t.OpenChannel(c);
      const std::string names[2] = {p + "main", p + "dlq"};
      mq::QueueOptions main;
      main.args.max_length = max_length;
      main.args.dead_letter_exchange = "";
      main.args.dead_letter_routing_key = names[1];
      tr.Add("main", Fmt(t.DeclareQueue(ch, names[0], main)));
      tr.Add("dlq", Fmt(t.DeclareQueue(ch, names[1], {})));
      std::vector<uint64_t> tags;
      int published = 0;
      auto reopen_if_closed = [&](const sim::Result<void>& r) {
        if (!r.ok()) {
          ch = t.OpenChannel(c);
          tags.clear();
        }
      };
      for (const Op& op : ops) {
        const std::string& q = names[op.queue];
        const uint64_t tag = tags.empty() ? 0 : tags[static_cast<size_t>(op.pick) % tags.size()];
        switch (op.kind) {
          case Op::kPublish:
            tr.Add("publish", Fmt(t.Publish(ch, "", q, Msg("p" + std::to_string(published++)))));
            break;
          case Op::kGetAck:
          case Op::kGetNoAck: {
            auto g = t.Get(ch, q, op.kind == Op::kGetNoAck);
            tr.Add("get", Fmt(g));
            if (op.kind == Op::kGetAck && TagOf(g) != 0) tags.push_back(TagOf(g));
            break;
          }
          case Op::kAck:
          case Op::kNack:
          case Op::kReject: {
            if (tag == 0) break;
            sim::Result<void> r = op.kind == Op::kAck    ? t.Ack(ch, tag, op.flag)
                                  : op.kind == Op::kNack ? t.Nack(ch, tag, op.flag, op.requeue)
                                                         : t.Reject(ch, tag, op.flag);
            tr.Add("settle", Fmt(r));
            const bool multiple = op.kind != Op::kReject && op.flag;
            std::erase_if(tags, [&](uint64_t x) { return x == tag || (multiple && x < tag); });
            reopen_if_closed(r);
            break;
          }
          case Op::kBogusAck: {
            auto r = t.Ack(ch, 1000, false);
            tr.Add("bogus ack", Fmt(r));
            reopen_if_closed(r);
            break;
          }
          case Op::kPurge: tr.Add("purge", Fmt(t.PurgeQueue(ch, q))); break;
          case Op::kCount: {
            mq::QueueOptions passive;
            passive.passive = true;
            tr.Add("count", Fmt(t.DeclareQueue(ch, q, passive)));
            break;
          }
          case Op::kCloseChannel:
            tr.Add("close", Fmt(t.CloseChannel(ch)));
            ch = t.OpenChannel(c);
            tags.clear();
            break;
        }
      }
      for (const std::string& q : names) DrainTo(tr, t, ch, q, "final " + q);
    });
    RC_ASSERT(traces.model.lines == traces.real.lines);
  });
}

TEST_CASE("conformance: random topic patterns route like the server", "[integration]") {
  rc::prop("model and server route the same keys to the same queues", [] {
    auto word = rc::gen::element<std::string>("a", "b", "*", "#", "");
    auto key_word = rc::gen::element<std::string>("a", "b", "c", "");
    auto words = [](auto gen) {
      return rc::gen::resize(4, rc::gen::container<std::vector<std::string>>(gen));
    };
    auto join = [](const std::vector<std::string>& w) {
      std::string out;
      for (size_t i = 0; i < w.size(); ++i) out += (i ? "." : "") + w[i];
      return out;
    };
    std::vector<std::string> patterns, keys;
    for (int i = 0; i < 3; ++i) patterns.push_back(join(*words(word)));
    for (int i = 0; i < 4; ++i) keys.push_back(join(*words(key_word)));
    Traces traces = RunBoth([&](Target& t, Trace& tr, const std::string& p) {
      const int c = t.Connect();
      const Ch ch = t.OpenChannel(c);
      tr.Add("exchange", Fmt(t.DeclareExchange(ch, p + "x", kTopic)));
      for (size_t i = 0; i < patterns.size(); ++i) {
        const std::string q = p + "q" + std::to_string(i);
        tr.Add("queue", Fmt(t.DeclareQueue(ch, q, {})));
        tr.Add("bind " + patterns[i], Fmt(t.Bind(ch, q, p + "x", patterns[i])));
      }
      for (const std::string& key : keys) {
        tr.Add("publish", Fmt(t.Publish(ch, p + "x", key, Msg("[" + key + "]"))));
      }
      for (size_t i = 0; i < patterns.size(); ++i) {
        DrainTo(tr, t, ch, p + "q" + std::to_string(i), patterns[i]);
      }
    });
    RC_ASSERT(traces.model.lines == traces.real.lines);
  });
}

namespace {

// One step of a generated consumer session: a publisher connection and a consumer
// connection with two channels, all on one queue.
struct ConsumerOp {
  enum Kind { kPublish, kConsume, kCancel, kQos, kAck, kNack, kReject, kGet, kCloseChannel }
      kind;
  int channel = 0;      // 0 or 1 on the consumer connection
  int pick = 0;         // which outstanding delivery tag, or the prefetch count for kQos
  bool flag = false;    // no_ack (consume/get), multiple (ack/nack), requeue (reject)
  bool requeue = false; // nack
};

// RapidCheck finds this by its own (camelCase) name to print counterexamples.
void showValue(const ConsumerOp& op, std::ostream& os) {
  os << "cop" << static_cast<int>(op.kind) << "(ch" << op.channel << " pick" << op.pick << " "
     << op.flag << op.requeue << ")";
}

// What the script knows about one consumer channel.
struct ChannelSide {
  Ch ch;
  std::vector<std::string> consumers;
  std::map<std::string, bool> no_ack;
  std::vector<uint64_t> outstanding;  // delivery tags awaiting ack, ascending
};

}  // namespace

namespace rc {
template <>
struct Arbitrary<ConsumerOp> {
  static Gen<ConsumerOp> arbitrary() {
    using K = ConsumerOp::Kind;
    return gen::build<ConsumerOp>(
        gen::set(&ConsumerOp::kind,
                 gen::weightedElement<K>({{6, K::kPublish}, {2, K::kConsume}, {1, K::kCancel},
                                          {1, K::kQos}, {3, K::kAck}, {2, K::kNack},
                                          {1, K::kReject}, {1, K::kGet},
                                          {1, K::kCloseChannel}})),
        gen::set(&ConsumerOp::channel, gen::inRange(0, 2)),
        gen::set(&ConsumerOp::pick, gen::inRange(0, 4)),
        gen::set(&ConsumerOp::flag, gen::arbitrary<bool>()),
        gen::set(&ConsumerOp::requeue, gen::arbitrary<bool>()));
  }
};
}  // namespace rc

namespace {

// Applies one step and records its answer. `sync` reads the consumer connection's events
// after the step; the model's counts are replayed as the number to wait for on the server.
void ApplyConsumerOp(const ConsumerOp& op, Target& t, Trace& tr, Ch pub_ch, int con,
                     const std::string& q, ChannelSide (&side)[2], int& serial) {
  ChannelSide& s = side[op.channel];
  const uint64_t tag = s.outstanding.empty()
                           ? 0
                           : s.outstanding[static_cast<size_t>(op.pick) % s.outstanding.size()];
  auto settle = [&](sim::Result<void> r, bool multiple) {
    tr.Add("settle", Fmt(r));
    std::erase_if(s.outstanding, [&](uint64_t x) { return x == tag || (multiple && x < tag); });
  };
  switch (op.kind) {
    case ConsumerOp::kPublish:
      tr.Add("publish", Fmt(t.Publish(pub_ch, "", q, Msg("m" + std::to_string(serial++)))));
      break;
    case ConsumerOp::kConsume: {
      const std::string ctag = "c" + std::to_string(serial++);
      tr.Add("consume", Fmt(t.Consume(s.ch, q, ctag, op.flag)));
      s.consumers.push_back(ctag);
      s.no_ack[ctag] = op.flag;
      break;
    }
    case ConsumerOp::kCancel:
      if (s.consumers.empty()) break;
      tr.Add("cancel", Fmt(t.Cancel(s.ch, s.consumers.front())));
      s.consumers.erase(s.consumers.begin());
      break;
    case ConsumerOp::kQos: tr.Add("qos", Fmt(t.Qos(s.ch, static_cast<uint16_t>(op.pick)))); break;
    case ConsumerOp::kAck:
      if (tag != 0) settle(t.Ack(s.ch, tag, op.flag), op.flag);
      break;
    case ConsumerOp::kNack:
      if (tag != 0) settle(t.Nack(s.ch, tag, op.flag, op.requeue), op.flag);
      break;
    case ConsumerOp::kReject:
      if (tag != 0) settle(t.Reject(s.ch, tag, op.flag), false);
      break;
    case ConsumerOp::kGet: {
      auto g = t.Get(s.ch, q, op.flag);
      tr.Add("get", Fmt(g));
      if (!op.flag && TagOf(g) != 0) s.outstanding.push_back(TagOf(g));
      break;
    }
    case ConsumerOp::kCloseChannel:
      tr.Add("close", Fmt(t.CloseChannel(s.ch)));
      s = ChannelSide{t.OpenChannel(con), {}, {}, {}};
      break;
  }
}

}  // namespace

TEST_CASE("conformance: generated consumer sessions (prefetch, cancel, requeue)",
          "[integration]") {
  rc::prop("model and server deliver the same messages to the same consumers", [] {
    const auto ops = *rc::gen::container<std::vector<ConsumerOp>>(
                          rc::gen::arbitrary<ConsumerOp>()).as("ops");
    std::vector<size_t> hints;  // events per read, taken from the model's run
    Traces traces = RunBoth([&](Target& t, Trace& tr, const std::string& p) {
      const int pub = t.Connect();
      const int con = t.Connect();
      const Ch pub_ch = t.OpenChannel(pub);
      const std::string q = p + "work";
      tr.Add("queue", Fmt(t.DeclareQueue(pub_ch, q, {})));
      ChannelSide side[2] = {{t.OpenChannel(con), {}, {}, {}}, {t.OpenChannel(con), {}, {}, {}}};
      int serial = 0;
      size_t read = 0;
      auto sync = [&](std::chrono::milliseconds grace) {
        const size_t want = t.IsModel() ? 0 : (read < hints.size() ? hints[read] : 0);
        std::vector<mq::Event> events = t.RawEvents(con, want, grace);
        if (t.IsModel()) hints.push_back(events.size());
        ++read;
        for (const mq::Event& e : events) {
          const auto* d = std::get_if<mq::Delivery>(&e);
          if (d == nullptr) continue;
          for (ChannelSide& s : side) {
            if (t.Number(d->channel) == s.ch.number && !s.no_ack[d->consumer_tag]) {
              s.outstanding.push_back(d->delivery_tag);
            }
          }
        }
        tr.Add("events", FmtEvents(events, [&](mq::ChannelId id) { return t.Number(id); }));
      };
      for (const ConsumerOp& op : ops) {
        ApplyConsumerOp(op, t, tr, pub_ch, con, q, side, serial);
        sync(std::chrono::milliseconds(0));
      }
      sync(std::chrono::milliseconds(20));  // anything still in flight shows up here
      for (ChannelSide& s : side) tr.Add("close", Fmt(t.CloseChannel(s.ch)));
      DrainTo(tr, t, pub_ch, q, "left");
    });
    RC_ASSERT(traces.model.lines == traces.real.lines);
  });
}
