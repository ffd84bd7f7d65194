// Goal: show that BrokerModel answers like a real rabbitmq-server 3.10: each script runs
// once against the model (virtual time) and once against the server (wall time), and every
// observable outcome (declare/get/ack results, error codes, deliveries with redelivered
// flags, returns, confirms, x-death headers) must be identical, line by line.
#include <catch2/catch.hpp>

#include "tests/models/mq/conformance_targets.h"

using namespace mqtest;
using namespace sim::literals;

namespace {
const mq::ExchangeOptions kTopic{mq::ExchangeType::kTopic};
}  // namespace

TEST_CASE("conformance: topic routing with * and #", "[integration]") {
  Conform(
      [](Target& t, Trace& tr, const std::string& p) {
        const int c = t.Connect();
        const Ch ch = t.OpenChannel(c);
        const std::string x = p + "topic";
        tr.Add("declare exchange", Fmt(t.DeclareExchange(ch, x, kTopic)));
        const std::vector<std::pair<std::string, std::string>> binds = {
            {"star", "order.*"}, {"hash", "order.#"},  {"exact", "order.create.order"},
            {"mid", "*.release.#"}, {"all", "#"}, {"two", "*.*"}, {"inner", "order.#.order"}};
        for (const auto& [q, key] : binds) {
          tr.Add("declare " + q, Fmt(t.DeclareQueue(ch, p + q, {})));
          tr.Add("bind " + q, Fmt(t.Bind(ch, p + q, x, key)));
        }
        const std::vector<std::string> keys = {"order",         "order.create.order",
                                               "order.release.other", "order.release.other.x",
                                               "stock.release", "", "order..order", "a"};
        for (const std::string& key : keys) {
          tr.Add("publish " + key, Fmt(t.Publish(ch, x, key, Msg("k=" + key), true)));
        }
        tr.Add("unbind all", Fmt(t.Unbind(ch, p + "all", x, "#")));
        tr.Add("publish after unbind", Fmt(t.Publish(ch, x, "zzz", Msg("k=zzz"), true)));
        tr.Add("events", t.Events(c, 1));  // only "zzz" is unroutable
        for (const auto& [q, key] : binds) DrainTo(tr, t, ch, p + q, q);
      },
      {"get-ok tag=1 redelivered=false x=", "return ch1 312 NO_ROUTE", "body=k=order..order"});
}

TEST_CASE("conformance: Gulimall order delay queue dead-letters to the release queue",
          "[integration]") {
  Conform(
      [](Target& t, Trace& tr, const std::string& p) {
        const int order = t.Connect();
        const int listener = t.Connect();
        const Ch ch = t.OpenChannel(order);
        const std::string x = p + "order-event-exchange";
        const std::string delay = p + "order.delay.queue";
        const std::string release = p + "order.release.order.queue";
        const std::string stock = p + "stock.release.stock.queue";
        tr.Add("exchange", Fmt(t.DeclareExchange(ch, x, {mq::ExchangeType::kTopic, false, true})));
        mq::QueueOptions delay_opts;
        delay_opts.durable = true;
        delay_opts.args.dead_letter_exchange = x;
        delay_opts.args.dead_letter_routing_key = "order.release.order";
        delay_opts.args.message_ttl_ms = 600;  // scaled down from 60 s
        mq::QueueOptions durable;
        durable.durable = true;
        tr.Add("delay", Fmt(t.DeclareQueue(ch, delay, delay_opts)));
        tr.Add("release", Fmt(t.DeclareQueue(ch, release, durable)));
        tr.Add("stock", Fmt(t.DeclareQueue(ch, stock, durable)));
        tr.Add("bind delay", Fmt(t.Bind(ch, delay, x, "order.create.order")));
        tr.Add("bind release", Fmt(t.Bind(ch, release, x, "order.release.order")));
        tr.Add("bind stock", Fmt(t.Bind(ch, stock, x, "order.release.other.#")));
        tr.Add("redeclare delay", Fmt(t.DeclareQueue(ch, delay, delay_opts)));
        tr.Add("confirm", Fmt(t.ConfirmSelect(ch)));
        mq::Message order_msg = Msg("{\"orderSn\":\"1\"}", 2);
        order_msg.props.content_type = "application/json";
        order_msg.props.headers["__TypeId__"] = std::string("com.atguigu.OrderEntity");
        tr.Add("publish", Fmt(t.Publish(ch, x, "order.create.order", order_msg)));
        tr.Add("wait", Fmt(t.WaitForConfirms(ch)));
        tr.Add("order events", t.Events(order, 1));
        const Ch lch = t.OpenChannel(listener);
        tr.Add("qos", Fmt(t.Qos(lch, 1)));
        tr.Add("consume", Fmt(t.Consume(lch, release, "close-listener", false)));
        t.Sleep(100_ms);
        tr.Add("before ttl", t.Events(listener, 0));
        t.Sleep(900_ms);
        tr.Add("after ttl", t.Events(listener, 1));
        tr.Add("ack", Fmt(t.Ack(lch, 1, false)));
        tr.Add("close order", Fmt(t.Publish(ch, x, "order.release.other", Msg("closed", 2))));
        tr.Add("wait", Fmt(t.WaitForConfirms(ch)));
        tr.Add("order events", t.Events(order, 1));
        DrainTo(tr, t, ch, stock, "stock");
        mq::QueueOptions passive;
        passive.passive = true;
        tr.Add("delay left", Fmt(t.DeclareQueue(ch, delay, passive)));
        tr.Add("release left", Fmt(t.DeclareQueue(ch, release, passive)));
      },
      {"after ttl: deliver ch1 ctag=close-listener tag=1 redelivered=false",
       "rk=order.release.order", "expired x=", "n=1", "h:__TypeId__=com.atguigu.OrderEntity",
       "confirm ch1 tag=2 ack", "messages=0 consumers=1"});
}

TEST_CASE("conformance: a long-TTL head blocks shorter-TTL messages behind it",
          "[integration]") {
  Conform(
      [](Target& t, Trace& tr, const std::string& p) {
        const int c = t.Connect();
        const Ch ch = t.OpenChannel(c);
        mq::QueueOptions o;
        o.args.dead_letter_exchange = "";
        o.args.dead_letter_routing_key = p + "dead";
        tr.Add("queue", Fmt(t.DeclareQueue(ch, p + "hol", o)));
        tr.Add("dead", Fmt(t.DeclareQueue(ch, p + "dead", {})));
        tr.Add("slow", Fmt(t.Publish(ch, "", p + "hol", Expiring("slow", "2000"))));
        tr.Add("fast", Fmt(t.Publish(ch, "", p + "hol", Expiring("fast", "200"))));
        t.Sleep(600_ms);
        mq::QueueOptions passive;
        passive.passive = true;
        tr.Add("still queued", Fmt(t.DeclareQueue(ch, p + "hol", passive)));
        tr.Add("dead early", Fmt(t.Get(ch, p + "dead", true)));
        t.Sleep(1700_ms);
        DrainTo(tr, t, ch, p + "dead", "dead");
      },
      {"still queued: ok", "messages=2", "dead early: get-empty", "body=slow", "oe=2000",
       "body=fast", "oe=200]"});
}

TEST_CASE("conformance: x-max-length drop-head and reject-publish", "[integration]") {
  Conform(
      [](Target& t, Trace& tr, const std::string& p) {
        const int c = t.Connect();
        const Ch ch = t.OpenChannel(c);
        mq::QueueOptions drop;
        drop.args.max_length = 2;
        drop.args.dead_letter_exchange = "";
        drop.args.dead_letter_routing_key = p + "dl";
        mq::QueueOptions reject;
        reject.args.max_length = 1;
        reject.args.overflow = mq::Overflow::kRejectPublish;
        tr.Add("dl", Fmt(t.DeclareQueue(ch, p + "dl", {})));
        tr.Add("drop", Fmt(t.DeclareQueue(ch, p + "drop", drop)));
        tr.Add("reject", Fmt(t.DeclareQueue(ch, p + "reject", reject)));
        tr.Add("confirm", Fmt(t.ConfirmSelect(ch)));
        for (int i = 0; i < 3; ++i) {
          tr.Add("publish drop", Fmt(t.Publish(ch, "", p + "drop", Msg(std::to_string(i)))));
        }
        tr.Add("publish reject", Fmt(t.Publish(ch, "", p + "reject", Msg("a"))));
        tr.Add("publish reject", Fmt(t.Publish(ch, "", p + "reject", Msg("b"))));
        tr.Add("wait", Fmt(t.WaitForConfirms(ch)));
        tr.Add("confirms", t.Events(c, 5));
        DrainTo(tr, t, ch, p + "dl", "dl");
        DrainTo(tr, t, ch, p + "drop", "drop");
        DrainTo(tr, t, ch, p + "reject", "reject");
      },
      {"confirm ch1 tag=5 nack", "maxlen", "body=0", "body=a"});
}

TEST_CASE("conformance: nack/reject with and without requeue, prefetch, multiple ack",
          "[integration]") {
  Conform(
      [](Target& t, Trace& tr, const std::string& p) {
        const int pub = t.Connect();
        const int con = t.Connect();
        const Ch ch = t.OpenChannel(pub);
        const std::string q = p + "work";
        tr.Add("queue", Fmt(t.DeclareQueue(ch, q, {})));
        PublishAll(tr, t, ch, q, Numbered("m", 0, 4));
        const Ch cch = t.OpenChannel(con);
        tr.Add("qos", Fmt(t.Qos(cch, 2)));
        tr.Add("consume", Fmt(t.Consume(cch, q, "worker", false)));
        tr.Add("first two", t.Events(con, 2));
        tr.Add("nack requeue", Fmt(t.Nack(cch, 1, false, true)));
        tr.Add("redelivered", t.Events(con, 1));
        tr.Add("reject drop", Fmt(t.Reject(cch, 2, false)));
        tr.Add("next", t.Events(con, 1));
        tr.Add("ack multiple", Fmt(t.Ack(cch, 4, true)));
        tr.Add("last", t.Events(con, 1));
        tr.Add("nack multiple requeue", Fmt(t.Nack(cch, 0, true, true)));
        tr.Add("again", t.Events(con, 1));
        tr.Add("ack", Fmt(t.Ack(cch, 6, false)));
        tr.Add("none", t.Events(con, 0));
        tr.Add("double ack", Fmt(t.Ack(cch, 6, false)));
        tr.Add("after channel error", Fmt(t.Get(cch, q, true)));
        DrainTo(tr, t, ch, q, "left");
      },
      {"nack requeue: ok", "deliver ch1 ctag=worker tag=3 redelivered=true",
       "double ack: err 406", "after channel error: err unavailable"});
}

TEST_CASE("conformance: unacked messages are requeued when a channel or connection dies",
          "[integration]") {
  Conform(
      [](Target& t, Trace& tr, const std::string& p) {
        const int pub = t.Connect();
        const int con = t.Connect();
        const Ch ch = t.OpenChannel(pub);
        const std::string q = p + "q";
        tr.Add("queue", Fmt(t.DeclareQueue(ch, q, {})));
        PublishAll(tr, t, ch, q, {"a", "b", "c"});
        const Ch cch = t.OpenChannel(con);
        tr.Add("consume", Fmt(t.Consume(cch, q, "c1", false)));
        tr.Add("delivered", t.Events(con, 3));
        tr.Add("ack b", Fmt(t.Ack(cch, 2, false)));
        tr.Add("close channel", Fmt(t.CloseChannel(cch)));
        auto g = t.Get(ch, q, false);
        tr.Add("get", Fmt(g));
        tr.Add("nack", Fmt(t.Nack(ch, TagOf(g), false, true)));
        const int doomed = t.Connect();
        const Ch dch = t.OpenChannel(doomed);
        tr.Add("consume doomed", Fmt(t.Consume(dch, q, "c2", false)));
        tr.Add("doomed got", t.Events(doomed, 2));
        t.AbortConnection(doomed);
        t.Sleep(300_ms);
        DrainTo(tr, t, ch, q, "after crash");
      },
      {"get: get-ok tag=1 redelivered=true", "body=a", "count=1", "after crash: get-ok"});
}

TEST_CASE("conformance: mandatory returns, confirms and channel errors", "[integration]") {
  Conform(
      [](Target& t, Trace& tr, const std::string& p) {
        const int c = t.Connect();
        const int other = t.Connect();
        Ch ch = t.OpenChannel(c);
        tr.Add("confirm", Fmt(t.ConfirmSelect(ch)));
        tr.Add("mandatory", Fmt(t.Publish(ch, "amq.direct", p + "nowhere", Msg("lost"), true)));
        tr.Add("plain", Fmt(t.Publish(ch, "amq.direct", p + "nowhere", Msg("dropped"))));
        tr.Add("wait", Fmt(t.WaitForConfirms(ch)));
        tr.Add("events", t.Events(c, 3));
        tr.Add("missing exchange", Fmt(t.Publish(ch, p + "missing", "k", Msg("m"))));
        tr.Add("closed", Fmt(t.Get(ch, p + "q", true)));
        mq::QueueOptions ttl;
        ttl.args.message_ttl_ms = 100;
        ch = t.OpenChannel(c);
        tr.Add("declare", Fmt(t.DeclareQueue(ch, p + "q", ttl)));
        tr.Add("same again", Fmt(t.DeclareQueue(ch, p + "q", ttl)));
        ttl.args.message_ttl_ms = 200;
        tr.Add("different ttl", Fmt(t.DeclareQueue(ch, p + "q", ttl)));
        ch = t.OpenChannel(c);
        mq::QueueOptions passive;
        passive.passive = true;
        tr.Add("passive missing", Fmt(t.DeclareQueue(ch, p + "nope", passive)));
        ch = t.OpenChannel(c);
        tr.Add("exchange", Fmt(t.DeclareExchange(ch, p + "x", kTopic)));
        tr.Add("other type", Fmt(t.DeclareExchange(ch, p + "x", {mq::ExchangeType::kFanout})));
        ch = t.OpenChannel(c);
        tr.Add("bind missing x", Fmt(t.Bind(ch, p + "q", p + "nox", "k")));
        ch = t.OpenChannel(c);
        tr.Add("consume missing", Fmt(t.Consume(ch, p + "nope", "t", false)));
        ch = t.OpenChannel(c);
        tr.Add("get missing", Fmt(t.Get(ch, p + "nope", false)));
        ch = t.OpenChannel(c);
        tr.Add("delete missing q", Fmt(t.DeleteQueue(ch, p + "nope")));
        tr.Add("delete missing x", Fmt(t.DeleteExchange(ch, p + "nox")));
        tr.Add("reserved x", Fmt(t.DeclareExchange(ch, "amq." + p + "x", kTopic)));
        ch = t.OpenChannel(c);
        tr.Add("reserved q", Fmt(t.DeclareQueue(ch, "amq." + p + "q", {})));
        ch = t.OpenChannel(c);
        mq::QueueOptions exclusive;
        exclusive.exclusive = true;
        tr.Add("exclusive", Fmt(t.DeclareQueue(ch, p + "excl", exclusive)));
        const Ch och = t.OpenChannel(other);
        tr.Add("exclusive elsewhere", Fmt(t.DeclareQueue(och, p + "excl", exclusive)));
        mq::QueueOptions bad;
        bad.args.dead_letter_routing_key = "k";
        tr.Add("dlrk without dlx", Fmt(t.DeclareQueue(ch, p + "bad", bad)));
      },
      {"return ch1 312 NO_ROUTE", "confirm ch1 tag=2 ack", "missing exchange: err 404",
       "different ttl: err 406", "other type: err 406", "reserved x: err 403",
       "exclusive elsewhere: err 405", "delete missing q: ok 0"});
}

TEST_CASE("conformance: round-robin consumers, cancel, and queue deletion under a consumer",
          "[integration]") {
  Conform(
      [](Target& t, Trace& tr, const std::string& p) {
        const int pub = t.Connect();
        const int con = t.Connect();
        const Ch ch = t.OpenChannel(pub);
        const std::string q = p + "rr";
        tr.Add("queue", Fmt(t.DeclareQueue(ch, q, {})));
        const Ch cch = t.OpenChannel(con);
        tr.Add("consume a", Fmt(t.Consume(cch, q, "a", true)));
        tr.Add("consume b", Fmt(t.Consume(cch, q, "b", true)));
        PublishAll(tr, t, ch, q, Numbered("r", 0, 4));
        tr.Add("round robin", t.Events(con, 4));
        tr.Add("cancel a", Fmt(t.Cancel(cch, "a")));
        tr.Add("cancel unknown", Fmt(t.Cancel(cch, "zzz")));
        PublishAll(tr, t, ch, q, Numbered("r", 4, 6));
        tr.Add("only b", t.Events(con, 2));
        tr.Add("cancel b", Fmt(t.Cancel(cch, "b")));
        tr.Add("publish", Fmt(t.Publish(ch, "", q, Msg("kept"))));
        tr.Add("nobody", t.Events(con, 0));
        tr.Add("get", Fmt(t.Get(ch, q, true)));
        tr.Add("consume z", Fmt(t.Consume(cch, q, "z", false)));
        tr.Add("purge", Fmt(t.PurgeQueue(ch, q)));
        tr.Add("delete", Fmt(t.DeleteQueue(ch, q)));
        tr.Add("told", t.Events(con, 1));
      },
      {"ctag=a tag=1", "ctag=b tag=2", "ctag=a tag=3", "ctag=b tag=4", "nobody: none",
       "cancelled ch1 ctag=z"});
}

TEST_CASE("conformance: x-death counts repeated dead-lettering", "[integration]") {
  Conform(
      [](Target& t, Trace& tr, const std::string& p) {
        const int c = t.Connect();
        const Ch ch = t.OpenChannel(c);
        const std::string x = p + "retry-x";
        tr.Add("exchange", Fmt(t.DeclareExchange(ch, x, {mq::ExchangeType::kDirect})));
        mq::QueueOptions delay;
        delay.args.message_ttl_ms = 100;
        delay.args.dead_letter_exchange = x;
        delay.args.dead_letter_routing_key = "work";
        mq::QueueOptions work;
        work.args.dead_letter_exchange = x;
        work.args.dead_letter_routing_key = "retry";
        tr.Add("delay", Fmt(t.DeclareQueue(ch, p + "delay", delay)));
        tr.Add("work", Fmt(t.DeclareQueue(ch, p + "work", work)));
        tr.Add("bind", Fmt(t.Bind(ch, p + "delay", x, "retry")));
        tr.Add("bind", Fmt(t.Bind(ch, p + "work", x, "work")));
        tr.Add("publish", Fmt(t.Publish(ch, x, "retry", Expiring("job", "50"))));
        for (int round = 0; round < 3; ++round) {
          t.Sleep(300_ms);
          auto g = t.Get(ch, p + "work", false);
          tr.Add("work", Fmt(g));
          tr.Add("reject", Fmt(t.Reject(ch, TagOf(g), false)));
        }
      },
      {"expired x=", "n=3 oe=50", "rejected x=", "n=2", "first=expired/"});
}


TEST_CASE("conformance: a multiple nack spanning two consumers requeues per consumer",
          "[integration]") {
  Conform(
      [](Target& t, Trace& tr, const std::string& p) {
        const int pub = t.Connect();
        const int con = t.Connect();
        const Ch ch = t.OpenChannel(pub);
        const std::string q = p + "q";
        tr.Add("queue", Fmt(t.DeclareQueue(ch, q, {})));
        const Ch cch = t.OpenChannel(con);
        tr.Add("consume c0", Fmt(t.Consume(cch, q, "c0", false)));
        tr.Add("consume c1", Fmt(t.Consume(cch, q, "c1", false)));
        PublishAll(tr, t, ch, q, Numbered("m", 0, 3));
        tr.Add("delivered", t.Events(con, 3));
        tr.Add("nack all", Fmt(t.Nack(cch, 3, true, true)));
        tr.Add("redelivered", t.Events(con, 3));
        tr.Add("ack all", Fmt(t.Ack(cch, 0, true)));
      },
      {"nack all: ok", "ctag=c1 tag=4 redelivered=true", "body=m2"});
}
