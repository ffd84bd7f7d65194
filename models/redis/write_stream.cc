#include "models/redis/write_stream.h"

#include "models/redis/check.h"

namespace models::redis {

void ReplayRecord(Keyspace& keyspace, const WriteRecord& record) {
  ExecContext ctx{&keyspace, 0, ExpiryMode::kIgnore, nullptr};
  for (const Argv& argv : record.commands) {
    REDIS_MODEL_CHECK(!argv.empty());
    const CommandSpec* spec = FindCommand(argv[0]);
    REDIS_MODEL_CHECK(spec != nullptr);
    REDIS_MODEL_CHECK(spec->kind == CommandKind::kData);
    REDIS_MODEL_CHECK(ArityOk(*spec, argv.size()));
    // A normalized effect succeeded on the node that produced it, on an equal keyspace, so it
    // cannot fail here; an error means the stream and the keyspace diverged.
    const Reply reply = spec->handler(ctx, argv);
    REDIS_MODEL_CHECK(!reply.IsError());
  }
}

}  // namespace models::redis
