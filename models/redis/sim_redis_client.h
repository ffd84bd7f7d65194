#pragma once
// SimRedisClient: a RedisClient whose every call is one RPC over the simulated network to a
// RedisServer node.
//
// Fidelity contract: one object is one connection, as a Jedis / Lettuce connection. Its first
// request opens it on the server. A call that gets no answer within `timeout` ends kTimeout (it
// may have run) and, as a socket timeout does, breaks the connection: the client closes it
// (a best-effort QUIT, so the server drops its MULTI state) and opens a fresh one at the next
// call. A server that does not know the connection (it restarted) answers kUnavailable
// "connection lost", which breaks it the same way. A server whose node is down while the path
// to it is open refuses the call after one round trip (its host's kernel resets the
// connection): kUnavailable "connection refused". With a RedisDirectory, each call goes to the
// node the directory names primary at that moment; when that changes, the client closes its
// connection to the old node and opens one to the new (Sentinel-aware clients do the same).
// Faults: those of the network and the server node; a crash of the client's node destroys the
// call in flight and the server later resets the connection (redis_server.h).
// REQUIRES: one call at a time; the object lives within one incarnation of its node.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/redis/redis_client.h"
#include "models/redis/redis_directory.h"
#include "models/redis/redis_protocol.h"
#include "sim/env.h"

namespace models::redis {

class SimRedisClient final : public RedisClient {
 public:
  SimRedisClient(sim::Env env, sim::Endpoint server, sim::Duration timeout);
  // REQUIRES: directory outlives the client.
  SimRedisClient(sim::Env env, const RedisDirectory* directory, sim::Duration timeout);

  sim::Task<sim::Result<Reply>> Command(Argv argv) override;
  sim::Task<sim::Result<std::vector<Reply>>> Exec(std::vector<Argv> commands) override;

  // Connections opened so far (1 + reconnects after breaks and failovers).
  uint64_t connections_opened() const { return connections_opened_; }

 protected:
  // The typed helpers run their command and its conversion in the call's own task.
  sim::Task<sim::Result<int64_t>> CommandAs(Argv argv, const char* command,
                                            ReplyConverter<int64_t> convert) override;
  sim::Task<sim::Result<bool>> CommandAs(Argv argv, const char* command,
                                         ReplyConverter<bool> convert) override;
  sim::Task<sim::Result<std::optional<std::string>>> CommandAs(
      Argv argv, const char* command,
      ReplyConverter<std::optional<std::string>> convert) override;

 private:
  // One call on the connection; its result (ok, the server's error reply as kRejected, or a
  // transport error) passes through `convert`.
  template <class T>
  sim::Task<sim::Result<T>> Call(RedisRequestKind kind, Argv argv, std::vector<Argv> batch,
                                 const char* command, ReplyConverter<T> convert);
  void NewConnection(sim::Endpoint target);
  void CloseInBackground();

  sim::Env env_;
  sim::Endpoint server_;
  const RedisDirectory* directory_ = nullptr;
  sim::Duration timeout_;
  sim::Endpoint connected_to_;
  uint64_t connection_ = 0;
  uint64_t connections_opened_ = 0;
  bool open_ = false;    // the server answered on this connection at least once
  bool broken_ = true;   // no usable connection: the next call opens one
  bool busy_ = false;
};

}  // namespace models::redis
