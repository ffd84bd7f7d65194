// AmqpClient: see amqp_client.h.
#include "models/mq/real/amqp_client.h"

namespace models::mq {
namespace {

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

AmqpClient::AmqpClient(AmqpEndpoint endpoint) : endpoint_(std::move(endpoint)) {}

AmqpClient::~AmqpClient() = default;  // AmqpConnection closes itself

void AmqpClient::Lost(const std::string& why) {
  const sim::Error error = sim::MakeError(sim::Errc::kUnavailable, "connection lost: " + why);
  for (auto& [handle, ch] : channels_) {
    if (ch.generation != generation_ || ch.closed) continue;
    ch.closed = true;
    ch.close_error = error;
    ch.inbox.clear();
  }
  by_number_.clear();
  confirms_.clear();
  returns_.clear();
  conn_.reset();
}

void AmqpClient::MarkClosed(ChannelId handle, const sim::Error& why) {
  auto it = channels_.find(handle.value);
  if (it == channels_.end() || it->second.closed) return;
  it->second.closed = true;
  it->second.close_error = sim::MakeError(sim::Errc::kUnavailable, "channel closed: " + why.detail);
  it->second.inbox.clear();
}

template <class T>
sim::Result<T> AmqpClient::Book(ChannelId handle, sim::Result<T> r) {
  if (conn_ != nullptr) Distribute(conn_->TakeEvents());
  if (r.ok()) return r;
  const uint16_t code = ReplyCode(r.error());
  if (conn_ != nullptr && !conn_->alive()) {
    Lost(r.error().detail);
  } else if ((code >= 400 && code < 500) || StartsWith(r.error().detail, "channel closed")) {
    MarkClosed(handle, r.error());
  }
  return r;
}

sim::Result<std::pair<AmqpConnection*, ChannelId>> AmqpClient::Usable(ChannelId handle) {
  auto it = channels_.find(handle.value);
  if (it == channels_.end()) return sim::MakeError(sim::Errc::kInvalid, "no such channel");
  if (it->second.closed) return it->second.close_error;
  if (conn_ == nullptr || !conn_->alive()) {
    Lost("socket closed");
    return channels_.at(handle.value).close_error;
  }
  return std::make_pair(conn_.get(), it->second.number);
}

void AmqpClient::Distribute(std::vector<Event> events) {
  for (Event& e : events) {
    const uint64_t number = EventChannel(e).value;
    if (auto* c = std::get_if<Confirm>(&e)) {
      confirms_[{number, c->delivery_tag}] = c->ack;
      continue;
    }
    auto handle = by_number_.find(number);
    if (handle == by_number_.end()) continue;
    const ChannelId local{handle->second};
    if (auto* r = std::get_if<Returned>(&e)) {
      r->channel = local;
      returns_[number] = std::move(*r);
    } else if (auto* d = std::get_if<Delivery>(&e)) {
      d->channel = local;
      channels_.at(local.value).inbox.push_back(std::move(*d));
    } else if (auto* x = std::get_if<ConsumerCancelled>(&e)) {
      x->channel = local;
      channels_.at(local.value).inbox.push_back(std::move(*x));
    }
  }
}

sim::Task<sim::Result<ChannelId>> AmqpClient::OpenChannel() {
  if (conn_ == nullptr || !conn_->alive()) {
    if (conn_ != nullptr) Lost("socket closed");
    sim::Result<std::unique_ptr<AmqpConnection>> c = AmqpConnection::Connect(endpoint_);
    if (!c.ok()) co_return c.error();
    conn_ = std::move(c).value();
    ++generation_;
  }
  sim::Result<ChannelId> number = conn_->OpenChannel();
  if (!number.ok()) {
    if (!conn_->alive()) Lost(number.error().detail);
    co_return number.error();
  }
  const uint64_t handle = next_handle_++;
  Channel ch;
  ch.generation = generation_;
  ch.number = *number;
  channels_.emplace(handle, std::move(ch));
  by_number_[number->value] = handle;
  co_return ChannelId{handle};
}

sim::Task<sim::Result<void>> AmqpClient::CloseChannel(ChannelId ch) {
  auto it = channels_.find(ch.value);
  if (it == channels_.end()) co_return sim::MakeError(sim::Errc::kInvalid, "no such channel");
  if (it->second.closed) co_return sim::Result<void>{};
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  sim::Result<void> r = Book(ch, u->first->CloseChannel(u->second));
  MarkClosed(ch, sim::MakeError(sim::Errc::kUnavailable, "closed by client"));
  co_return r;
}

sim::Task<sim::Result<void>> AmqpClient::Close() {
  if (conn_ == nullptr) co_return sim::Result<void>{};
  sim::Result<void> r = conn_->Close();
  Lost("closed by client");
  co_return r;
}

sim::Task<sim::Result<void>> AmqpClient::DeclareExchange(ChannelId ch, std::string name,
                                                         ExchangeOptions options) {
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  co_return Book(ch, u->first->DeclareExchange(u->second, name, options));
}

sim::Task<sim::Result<void>> AmqpClient::DeleteExchange(ChannelId ch, std::string name) {
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  co_return Book(ch, u->first->DeleteExchange(u->second, name));
}

sim::Task<sim::Result<QueueDeclareOk>> AmqpClient::DeclareQueue(ChannelId ch, std::string name,
                                                                QueueOptions options) {
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  co_return Book(ch, u->first->DeclareQueue(u->second, name, options));
}

sim::Task<sim::Result<uint32_t>> AmqpClient::DeleteQueue(ChannelId ch, std::string name) {
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  co_return Book(ch, u->first->DeleteQueue(u->second, name));
}

sim::Task<sim::Result<uint32_t>> AmqpClient::PurgeQueue(ChannelId ch, std::string name) {
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  co_return Book(ch, u->first->PurgeQueue(u->second, name));
}

sim::Task<sim::Result<void>> AmqpClient::Bind(ChannelId ch, std::string queue,
                                              std::string exchange, std::string routing_key) {
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  co_return Book(ch, u->first->BindQueue(u->second, queue, exchange, routing_key));
}

sim::Task<sim::Result<void>> AmqpClient::Unbind(ChannelId ch, std::string queue,
                                                std::string exchange, std::string routing_key) {
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  co_return Book(ch, u->first->UnbindQueue(u->second, queue, exchange, routing_key));
}

sim::Task<sim::Result<void>> AmqpClient::ConfirmSelect(ChannelId ch) {
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  co_return Book(ch, u->first->ConfirmSelect(u->second));
}

sim::Task<sim::Result<PublishOutcome>> AmqpClient::Publish(ChannelId ch, std::string exchange,
                                                           std::string routing_key,
                                                           Message message,
                                                           PublishOptions options) {
  auto u = Usable(ch);
  if (!u.ok()) co_return u.error();
  const uint64_t number = u->second.value;
  returns_.erase(number);
  sim::Result<uint64_t> seq =
      Book(ch, u->first->Publish(u->second, exchange, routing_key, message, options));
  if (!seq.ok()) co_return seq.error();
  PublishOutcome out;
  out.seq = *seq;
  if (out.seq != 0 && confirms_.count({number, out.seq}) == 0) {
    sim::Result<void> waited =
        Book(ch, u->first->WaitForConfirms(u->second, endpoint_.rpc_timeout));
    if (!waited.ok()) {
      co_return sim::MakeError(sim::Errc::kTimeout, "no confirm: " + waited.error().detail);
    }
  }
  if (auto r = returns_.find(number); r != returns_.end()) {
    out.returned = std::move(r->second);
    returns_.erase(r);
  }
  if (out.seq != 0) {
    auto c = confirms_.find({number, out.seq});
    if (c == confirms_.end()) co_return sim::MakeError(sim::Errc::kTimeout, "no confirm");
    out.confirm = c->second ? ConfirmState::kAck : ConfirmState::kNack;
    confirms_.erase(c);
  }
  co_return out;
}

// Book is used by amqp_client_consume.cc too.
template sim::Result<void> AmqpClient::Book(ChannelId, sim::Result<void>);
template sim::Result<std::string> AmqpClient::Book(ChannelId, sim::Result<std::string>);
template sim::Result<GetResult> AmqpClient::Book(ChannelId, sim::Result<GetResult>);

}  // namespace models::mq
