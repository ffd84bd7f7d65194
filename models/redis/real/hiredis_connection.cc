#include "models/redis/real/hiredis_connection.h"

#include <hiredis.h>
#include <sys/time.h>

#include <cerrno>

namespace models::redis::real {
namespace {

timeval ToTimeval(std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  return tv;
}

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};

}  // namespace

Reply ConvertReply(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_STATUS: return Reply::Status(std::string(reply.str, reply.len));
    case REDIS_REPLY_ERROR: return Reply::Error(std::string(reply.str, reply.len));
    case REDIS_REPLY_INTEGER: return Reply::Integer(reply.integer);
    case REDIS_REPLY_STRING: return Reply::Bulk(std::string(reply.str, reply.len));
    case REDIS_REPLY_NIL: return Reply::Nil();
    case REDIS_REPLY_ARRAY: {
      std::vector<Reply> elements;
      elements.reserve(reply.elements);
      for (size_t i = 0; i < reply.elements; ++i) {
        elements.push_back(ConvertReply(*reply.element[i]));
      }
      return Reply::Array(std::move(elements));
    }
    default:
      return Reply::Error("ERR mallsim: unknown hiredis reply type " + std::to_string(reply.type));
  }
}

void HiredisConnection::ContextDeleter::operator()(redisContext* context) const {
  redisFree(context);
}

sim::Result<HiredisConnection> HiredisConnection::Connect(const std::string& host, int port,
                                                          std::chrono::milliseconds timeout) {
  const timeval tv = ToTimeval(timeout);
  redisContext* context = redisConnectWithTimeout(host.c_str(), port, tv);
  if (context == nullptr) {
    return sim::MakeError(sim::Errc::kUnavailable, "hiredis: cannot allocate a context");
  }
  HiredisConnection connection(context);
  if (context->err != 0) {
    return sim::MakeError(sim::Errc::kUnavailable, "connect to " + host + ":" +
                                                       std::to_string(port) + ": " +
                                                       context->errstr);
  }
  // redisConnectWithTimeout only bounds the connect; reads and writes need their own.
  if (redisSetTimeout(context, tv) != REDIS_OK) {
    return sim::MakeError(sim::Errc::kUnavailable, std::string("set timeout: ") + context->errstr);
  }
  return connection;
}

sim::Result<Reply> HiredisConnection::Command(const std::vector<std::string>& argv) {
  if (broken_) return sim::MakeError(sim::Errc::kUnavailable, "connection is broken");
  // The server silently ignores an empty multibulk, so the read would only time out.
  if (argv.empty()) return sim::MakeError(sim::Errc::kInvalid, "empty command");
  std::vector<const char*> pointers;
  std::vector<size_t> lengths;
  for (const std::string& arg : argv) {
    pointers.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  redisContext* context = context_.get();
  std::unique_ptr<redisReply, ReplyDeleter> reply(static_cast<redisReply*>(redisCommandArgv(
      context, static_cast<int>(argv.size()), pointers.data(), lengths.data())));
  if (reply == nullptr) {
    broken_ = true;
    // A socket timeout (EAGAIN) leaves the outcome unknown: the command may have run.
    const bool timed_out =
        context->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
    return sim::MakeError(timed_out ? sim::Errc::kTimeout : sim::Errc::kUnavailable,
                          std::string("hiredis: ") + context->errstr);
  }
  return ConvertReply(*reply);
}

}  // namespace models::redis::real
