#include "models/redis/real/hiredis_client.h"

#include <utility>

namespace models::redis::real {

sim::Result<HiredisClient> HiredisClient::Connect(const std::string& host, int port,
                                                  std::chrono::milliseconds timeout) {
  sim::Result<HiredisConnection> connection = HiredisConnection::Connect(host, port, timeout);
  if (!connection.ok()) return connection.error();
  return HiredisClient(std::move(connection).value());
}

sim::Task<sim::Result<Reply>> HiredisClient::Command(Argv argv) {
  sim::Result<Reply> reply = connection_.Command(argv);
  if (!reply.ok()) co_return reply.error();
  co_return FromReply(std::move(reply).value());
}

sim::Task<sim::Result<std::vector<Reply>>> HiredisClient::Exec(std::vector<Argv> commands) {
  // The replies to MULTI and to each queued command (OK / QUEUED / a refusal) are not returned:
  // a refusal makes EXEC answer EXECABORT, which is what the caller sees.
  sim::Result<Reply> multi = connection_.Command({"MULTI"});
  if (!multi.ok()) co_return multi.error();
  for (const Argv& argv : commands) {
    sim::Result<Reply> queued = connection_.Command(argv);
    if (!queued.ok()) co_return queued.error();
  }
  sim::Result<Reply> exec = connection_.Command({"EXEC"});
  if (!exec.ok()) co_return exec.error();
  if (exec->IsError()) co_return sim::MakeError(sim::Errc::kRejected, exec->str());
  if (exec->type() != Reply::Type::kArray) {
    co_return sim::MakeError(sim::Errc::kInvalid, "EXEC answered " + exec->ToString());
  }
  co_return std::move(exec->mutable_elements());
}

}  // namespace models::redis::real
