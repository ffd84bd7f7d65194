#pragma once
// A synchronous connection to a real Redis server through hiredis 0.14, answering with the
// same Reply type as RedisModel so the two can be compared reply for reply. RESP2 only.
// Failures to talk to the server are errors (kUnavailable, or kTimeout when the socket timed
// out and the command may or may not have run); error *replies* from the server are values
// (Reply::Type::kError). After a transport error the connection is broken for good.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "models/redis/reply.h"
#include "sim/result.h"

struct redisContext;
struct redisReply;

namespace models::redis::real {

// Converts a hiredis reply tree; both RESP2 nils (bulk and array) become Reply::Nil().
Reply ConvertReply(const redisReply& reply);

class HiredisConnection {
 public:
  // The timeout bounds connecting and every later read or write.
  static sim::Result<HiredisConnection> Connect(const std::string& host, int port,
                                                std::chrono::milliseconds timeout);

  HiredisConnection(HiredisConnection&&) noexcept = default;
  HiredisConnection& operator=(HiredisConnection&&) noexcept = default;
  ~HiredisConnection() = default;

  // Sends argv as one command (binary safe) and waits for its reply.
  sim::Result<Reply> Command(const std::vector<std::string>& argv);
  bool broken() const { return broken_; }

 private:
  struct ContextDeleter {
    void operator()(redisContext* context) const;
  };
  explicit HiredisConnection(redisContext* context) : context_(context) {}

  std::unique_ptr<redisContext, ContextDeleter> context_;
  bool broken_ = false;
};

}  // namespace models::redis::real
