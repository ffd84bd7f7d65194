// rabbitmq-c implementation of AmqpConnection. rabbitmq-c queues frames that arrive during
// an RPC (deliveries, confirms, returns on any channel) and hands them back, in order, from
// amqp_simple_wait_frame*, so one frame pump sees every asynchronous event exactly once.
#include "models/mq/real/amqp_connection.h"

#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <sys/time.h>

#include <iterator>

#include "models/mq/real/amqp_fields.h"

namespace models::mq {
namespace {

using Clock = std::chrono::steady_clock;

timeval ToTimeval(std::chrono::microseconds d) {
  if (d.count() < 0) d = std::chrono::microseconds(0);
  timeval tv;
  tv.tv_sec = static_cast<time_t>(d.count() / 1'000'000);
  tv.tv_usec = static_cast<suseconds_t>(d.count() % 1'000'000);
  return tv;
}

// The server's reply text already starts with the code's name ("NOT_FOUND - ..."); keep
// only the explanation so AmqpError does not repeat the name.
std::string StripName(uint16_t code, std::string text) {
  const std::string prefix = std::string(ReplyName(code)) + " - ";
  if (text.rfind(prefix, 0) == 0) text.erase(0, prefix.size());
  return text;
}

}  // namespace

sim::Result<std::unique_ptr<AmqpConnection>> AmqpConnection::Connect(
    const AmqpEndpoint& endpoint) {
  std::unique_ptr<AmqpConnection> c(new AmqpConnection());
  c->verify_async_ = endpoint.verify_async;
  c->conn_ = amqp_new_connection();
  amqp_socket_t* socket = amqp_tcp_socket_new(c->conn_);
  if (socket == nullptr) return sim::MakeError(sim::Errc::kUnavailable, "no socket");
  timeval tv = ToTimeval(endpoint.rpc_timeout);
  int status = amqp_socket_open_noblock(socket, endpoint.host.c_str(), endpoint.port, &tv);
  if (status != AMQP_STATUS_OK) {
    return sim::MakeError(sim::Errc::kUnavailable,
                          "cannot connect to RabbitMQ at " + endpoint.host + ":" +
                              std::to_string(endpoint.port) + ": " + amqp_error_string2(status));
  }
  if (auto login = c->Login(endpoint); !login) return login.error();
  amqp_set_rpc_timeout(c->conn_, &tv);
  return c;
}

sim::Result<void> AmqpConnection::Login(const AmqpEndpoint& endpoint) {
  // Announce the capabilities the Java client (Spring AMQP, as in Gulimall) announces, so
  // the broker behaves the same; consumer_cancel_notify makes it send basic.cancel when a
  // queue is deleted under a consumer.
  const char* kCapabilities[] = {"consumer_cancel_notify", "publisher_confirms", "basic.nack",
                                 "connection.blocked", "authentication_failure_close",
                                 "exchange_exchange_bindings"};
  amqp_table_entry_t caps[std::size(kCapabilities)];
  for (size_t i = 0; i < std::size(kCapabilities); ++i) {
    caps[i].key = amqp_cstring_bytes(kCapabilities[i]);
    caps[i].value.kind = AMQP_FIELD_KIND_BOOLEAN;
    caps[i].value.value.boolean = 1;
  }
  amqp_table_entry_t entry;
  entry.key = amqp_cstring_bytes("capabilities");
  entry.value.kind = AMQP_FIELD_KIND_TABLE;
  entry.value.value.table.num_entries = static_cast<int>(std::size(caps));
  entry.value.value.table.entries = caps;
  amqp_table_t props{1, &entry};
  amqp_rpc_reply_t r = amqp_login_with_properties(
      conn_, endpoint.vhost.c_str(), 0, 131072, 0, &props, AMQP_SASL_METHOD_PLAIN,
      endpoint.user.c_str(), endpoint.password.c_str());
  if (r.reply_type != AMQP_RESPONSE_NORMAL) {
    return sim::MakeError(sim::Errc::kUnavailable, "AMQP login failed");
  }
  alive_ = true;
  return {};
}

AmqpConnection::~AmqpConnection() {
  if (alive_) (void)Close();
  if (conn_ != nullptr) amqp_destroy_connection(conn_);
}

sim::Error AmqpConnection::ConnectionLost(const std::string& why) {
  alive_ = false;
  return sim::MakeError(sim::Errc::kUnavailable, "connection lost: " + why);
}

sim::Result<AmqpConnection::ChannelState*> AmqpConnection::Usable(ChannelId ch) {
  if (!alive_) return sim::MakeError(sim::Errc::kUnavailable, "connection closed");
  auto it = channels_.find(ch.value);
  if (it == channels_.end()) return sim::MakeError(sim::Errc::kInvalid, "no such channel");
  if (!it->second.open) {
    return sim::MakeError(sim::Errc::kUnavailable,
                          "channel closed: " + it->second.close_error.detail);
  }
  return &it->second;
}

void AmqpConnection::MarkChannelClosed(ChannelId ch, uint16_t code, const std::string& text) {
  ChannelState& state = channels_[ch.value];
  state.open = false;
  state.close_error = AmqpError(code, StripName(code, text));
}

sim::Result<void> AmqpConnection::CheckReply(amqp_rpc_reply_t reply, ChannelId ch,
                                             const char* what) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL: return {};
    case AMQP_RESPONSE_NONE:
      return sim::MakeError(sim::Errc::kInvalid, std::string(what) + ": no reply");
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      if (reply.library_error == AMQP_STATUS_TIMEOUT) {
        alive_ = false;  // rabbitmq-c closes the connection after an RPC timeout
        return sim::MakeError(sim::Errc::kTimeout, std::string(what) + ": timeout");
      }
      return ConnectionLost(std::string(what) + ": " + amqp_error_string2(reply.library_error));
    case AMQP_RESPONSE_SERVER_EXCEPTION: break;
  }
  if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
    auto* m = static_cast<amqp_channel_close_t*>(reply.reply.decoded);
    MarkChannelClosed(ch, m->reply_code, ToString(m->reply_text));
    amqp_channel_close_ok_t ok{};
    amqp_send_method(conn_, static_cast<amqp_channel_t>(ch.value),
                     AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
    return channels_[ch.value].close_error;
  }
  if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
    auto* m = static_cast<amqp_connection_close_t*>(reply.reply.decoded);
    sim::Error e = AmqpError(m->reply_code, StripName(m->reply_code, ToString(m->reply_text)));
    amqp_connection_close_ok_t ok{};
    amqp_send_method(conn_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
    alive_ = false;
    return e;
  }
  return sim::MakeError(sim::Errc::kInvalid, std::string(what) + ": unexpected server reply");
}

sim::Result<void> AmqpConnection::CheckRpc(ChannelId ch, const char* what) {
  return CheckReply(amqp_get_rpc_reply(conn_), ch, what);
}

sim::Result<void> AmqpConnection::AfterAsync(ChannelId ch, int status, const char* what) {
  if (status != AMQP_STATUS_OK) {
    return ConnectionLost(std::string(what) + ": " + amqp_error_string2(status));
  }
  if (!verify_async_) return {};
  return Sync(ch);
}

sim::Result<void> AmqpConnection::Sync(ChannelId ch) {
  if (auto s = Usable(ch); !s) return s.error();
  amqp_exchange_declare(conn_, static_cast<amqp_channel_t>(ch.value),
                        amqp_cstring_bytes("amq.direct"), amqp_cstring_bytes("direct"), 1, 0, 0,
                        0, amqp_empty_table);
  return CheckRpc(ch, "sync");
}

sim::Result<ChannelId> AmqpConnection::OpenChannel() {
  if (!alive_) return sim::MakeError(sim::Errc::kUnavailable, "connection closed");
  ChannelId ch{next_channel_++};
  amqp_channel_open(conn_, static_cast<amqp_channel_t>(ch.value));
  channels_[ch.value] = ChannelState{};
  if (auto r = CheckRpc(ch, "channel.open"); !r) return r.error();
  return ch;
}

sim::Result<void> AmqpConnection::CloseChannel(ChannelId ch) {
  auto it = channels_.find(ch.value);
  if (it != channels_.end() && !it->second.open) return {};  // closed by the server already
  if (auto s = Usable(ch); !s) return s.error();
  amqp_rpc_reply_t r =
      amqp_channel_close(conn_, static_cast<amqp_channel_t>(ch.value), AMQP_REPLY_SUCCESS);
  auto result = CheckReply(r, ch, "channel.close");
  channels_[ch.value].open = false;
  channels_[ch.value].close_error = sim::MakeError(sim::Errc::kUnavailable, "closed by client");
  return result;
}

sim::Result<void> AmqpConnection::Close() {
  if (!alive_) return {};
  amqp_rpc_reply_t r = amqp_connection_close(conn_, AMQP_REPLY_SUCCESS);
  alive_ = false;
  if (r.reply_type != AMQP_RESPONSE_NORMAL) {
    return sim::MakeError(sim::Errc::kUnavailable, "connection.close failed");
  }
  return {};
}

void AmqpConnection::Abort() {
  alive_ = false;
  if (conn_ != nullptr) amqp_destroy_connection(conn_);
  conn_ = nullptr;
}

bool AmqpConnection::PumpOnce(std::chrono::microseconds wait) {
  if (!alive_) return false;
  timeval tv = ToTimeval(wait);
  amqp_frame_t frame;
  int status = amqp_simple_wait_frame_noblock(conn_, &frame, &tv);
  if (status == AMQP_STATUS_TIMEOUT) return false;
  if (status != AMQP_STATUS_OK) {
    alive_ = false;
    return false;
  }
  if (frame.frame_type == AMQP_FRAME_METHOD) HandleMethod(frame.channel, frame.payload.method);
  amqp_maybe_release_buffers(conn_);
  return true;
}

sim::Result<Message> AmqpConnection::ReadContent(amqp_channel_t channel) {
  amqp_message_t msg;
  amqp_rpc_reply_t r = amqp_read_message(conn_, channel, &msg, 0);
  if (r.reply_type != AMQP_RESPONSE_NORMAL) return ConnectionLost("reading message content");
  Message out{ToString(msg.body), DecodeProperties(msg.properties)};
  amqp_destroy_message(&msg);
  return out;
}

void AmqpConnection::HandleConfirm(ChannelId ch, uint64_t tag, bool multiple, bool ack) {
  ChannelState& state = channels_[ch.value];
  auto end = multiple ? state.unconfirmed.upper_bound(tag) : state.unconfirmed.find(tag);
  if (!multiple && end != state.unconfirmed.end()) end = std::next(end);
  auto begin = multiple ? state.unconfirmed.begin() : state.unconfirmed.find(tag);
  if (begin == state.unconfirmed.end()) return;
  for (auto it = begin; it != end; ++it) events_.push_back(Confirm{ch, *it, ack});
  state.unconfirmed.erase(begin, end);
}

void AmqpConnection::HandleMethod(amqp_channel_t channel, const amqp_method_t& method) {
  const ChannelId ch{channel};
  switch (method.id) {
    case AMQP_BASIC_DELIVER_METHOD: {
      auto* d = static_cast<amqp_basic_deliver_t*>(method.decoded);
      Delivery del{ch, ToString(d->consumer_tag), d->delivery_tag, d->redelivered != 0,
                   ToString(d->exchange), ToString(d->routing_key), {}};
      auto msg = ReadContent(channel);
      if (!msg) return;
      del.message = std::move(*msg);
      events_.push_back(std::move(del));
      return;
    }
    case AMQP_BASIC_RETURN_METHOD: {
      auto* r = static_cast<amqp_basic_return_t*>(method.decoded);
      Returned ret{ch, r->reply_code, ToString(r->reply_text), ToString(r->exchange),
                   ToString(r->routing_key), {}};
      auto msg = ReadContent(channel);
      if (!msg) return;
      ret.message = std::move(*msg);
      events_.push_back(std::move(ret));
      return;
    }
    case AMQP_BASIC_ACK_METHOD: {
      auto* a = static_cast<amqp_basic_ack_t*>(method.decoded);
      HandleConfirm(ch, a->delivery_tag, a->multiple != 0, true);
      return;
    }
    case AMQP_BASIC_NACK_METHOD: {
      auto* n = static_cast<amqp_basic_nack_t*>(method.decoded);
      HandleConfirm(ch, n->delivery_tag, n->multiple != 0, false);
      return;
    }
    case AMQP_BASIC_CANCEL_METHOD: {
      auto* c = static_cast<amqp_basic_cancel_t*>(method.decoded);
      events_.push_back(ConsumerCancelled{ch, ToString(c->consumer_tag)});
      return;
    }
    case AMQP_CHANNEL_CLOSE_METHOD: {
      auto* m = static_cast<amqp_channel_close_t*>(method.decoded);
      MarkChannelClosed(ch, m->reply_code, ToString(m->reply_text));
      amqp_channel_close_ok_t ok{};
      amqp_send_method(conn_, channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
      return;
    }
    case AMQP_CONNECTION_CLOSE_METHOD: {
      amqp_connection_close_ok_t ok{};
      amqp_send_method(conn_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
      alive_ = false;
      return;
    }
    default: return;
  }
}

std::vector<Event> AmqpConnection::PollEvents(std::chrono::milliseconds wait, size_t want) {
  const auto deadline = Clock::now() + wait;
  while (alive_ && events_.size() < want) {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
    if (left.count() <= 0 && !amqp_frames_enqueued(conn_) && !amqp_data_in_buffer(conn_)) break;
    if (!PumpOnce(left) && Clock::now() >= deadline) break;
  }
  return TakeEvents();
}

std::vector<Event> AmqpConnection::TakeEvents() {
  std::vector<Event> out;
  out.swap(events_);
  return out;
}

sim::Result<void> AmqpConnection::WaitForConfirms(ChannelId ch, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    auto s = Usable(ch);
    if (!s) return s.error();
    if ((*s)->unconfirmed.empty()) return {};
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
    if (left.count() <= 0) return sim::MakeError(sim::Errc::kTimeout, "confirms not received");
    PumpOnce(left);
  }
}

}  // namespace models::mq
