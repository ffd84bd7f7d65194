#pragma once
// HiredisClient: the RedisClient port over a real redis-server, through one HiredisConnection.
// Each call blocks the calling thread for the round trip (hiredis's synchronous API) and then
// completes; it suspends nothing, so any executor (a World used as an executor, later the Asio
// env) can drive it. Error replies become kRejected with the server's exact text
// (redis_client.h); transport failures are HiredisConnection's kUnavailable / kTimeout, after
// which the connection is broken for good (make a new client).

#include <chrono>
#include <string>
#include <vector>

#include "models/redis/real/hiredis_connection.h"
#include "models/redis/redis_client.h"

namespace models::redis::real {

class HiredisClient final : public RedisClient {
 public:
  explicit HiredisClient(HiredisConnection connection) : connection_(std::move(connection)) {}
  static sim::Result<HiredisClient> Connect(const std::string& host, int port,
                                            std::chrono::milliseconds timeout);

  sim::Task<sim::Result<Reply>> Command(Argv argv) override;
  // MULTI, the commands, EXEC one after another on this connection; a queueing refusal still
  // ends with EXEC (which then answers EXECABORT), so the connection never stays inside a
  // transaction unless a transport error broke it.
  sim::Task<sim::Result<std::vector<Reply>>> Exec(std::vector<Argv> commands) override;

  HiredisConnection& connection() { return connection_; }

 private:
  HiredisConnection connection_;
};

}  // namespace models::redis::real
