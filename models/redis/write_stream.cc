#include "models/redis/write_stream.h"

#include "sim/assert.h"

namespace models::redis {

void ReplayRecord(Keyspace& keyspace, const WriteRecord& record) {
  ExecContext ctx{&keyspace, 0, ExpiryMode::kIgnore, nullptr};
  for (const Argv& argv : record.commands) {
    SIM_ASSERT(!argv.empty());
    const CommandSpec* spec = FindCommand(argv[0]);
    SIM_ASSERT(spec != nullptr);
    SIM_ASSERT(spec->kind == CommandKind::kData);
    SIM_ASSERT(ArityOk(*spec, argv.size()));
    // A normalized effect succeeded on the node that produced it, on an equal keyspace, so it
    // cannot fail here; an error means the stream and the keyspace diverged.
    const Reply reply = spec->handler(ctx, argv);
    SIM_ASSERT(!reply.IsError());
  }
}

}  // namespace models::redis
