// Key-space commands: DEL, EXISTS, the EXPIRE family, TTL/PTTL, PERSIST, TYPE, FLUSHALL,
// FLUSHDB, PING, DBSIZE. Argument checks follow Redis 7.0's expire.c/db.c in order, because
// the order decides which error a malformed command gets.
#include <limits>
#include <optional>

#include "models/redis/commands.h"
#include "models/redis/int_text.h"

namespace models::redis {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();

enum ExpireFlag : unsigned { kNx = 1, kXx = 2, kGt = 4, kLt = 8 };

// NX | XX | GT | LT parsing of expire.c parseExtendedExpireArgumentsOrReply.
std::optional<Reply> ParseExpireFlags(const Argv& argv, unsigned* flags) {
  for (size_t j = 3; j < argv.size(); ++j) {
    const std::string opt = Lower(argv[j]);
    if (opt == "nx") {
      *flags |= kNx;
    } else if (opt == "xx") {
      *flags |= kXx;
    } else if (opt == "gt") {
      *flags |= kGt;
    } else if (opt == "lt") {
      *flags |= kLt;
    } else {
      return Reply::Error("ERR Unsupported option " + argv[j]);
    }
  }
  if ((*flags & kNx) != 0 && (*flags & (kXx | kGt | kLt)) != 0) {
    return Reply::Error("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if ((*flags & kGt) != 0 && (*flags & kLt) != 0) {
    return Reply::Error("ERR GT and LT options at the same time are not compatible");
  }
  return std::nullopt;
}

// Whether the NX/XX/GT/LT conditions allow replacing current (kNoExpiry = no deadline).
bool ExpireConditionHolds(unsigned flags, int64_t current, int64_t when) {
  if ((flags & kNx) != 0 && current != kNoExpiry) return false;
  if ((flags & kXx) != 0 && current == kNoExpiry) return false;
  // GT treats "no deadline" as infinite, so it never succeeds against it; LT always does.
  if ((flags & kGt) != 0 && (current == kNoExpiry || when <= current)) return false;
  if ((flags & kLt) != 0 && current != kNoExpiry && when >= current) return false;
  return true;
}

Reply ExpireGeneric(ExecContext& ctx, const Argv& argv, int64_t base_ms, bool seconds) {
  unsigned flags = 0;
  if (auto err = ParseExpireFlags(argv, &flags)) return *err;
  std::optional<int64_t> when = ParseRedisInt(argv[2]);
  if (!when) return ErrNotInteger();
  const std::string name = Lower(argv[0]);
  if (seconds) {
    if (*when > kInt64Max / 1000 || *when < kInt64Min / 1000) return ErrInvalidExpire(name);
    *when *= 1000;
  }
  if (*when > kInt64Max - base_ms) return ErrInvalidExpire(name);
  *when += base_ms;

  const std::string& key = argv[1];
  Entry* entry = LookupKey(ctx, key);
  if (entry == nullptr) return Reply::Integer(0);
  if (flags != 0 && !ExpireConditionHolds(flags, entry->expire_at_ms, *when)) {
    return Reply::Integer(0);
  }
  // checkAlreadyExpired: only a primary deletes at once; a loading server or a replica keeps
  // the deadline and lets the key expire later.
  if (*when <= ctx.now_ms && ctx.expiry == ExpiryMode::kDelete) {
    ctx.keyspace->Erase(key);
    Propagate(ctx, {"DEL", key});
    return Reply::Integer(1);
  }
  ctx.keyspace->SetExpire(key, *when);
  Propagate(ctx, {"PEXPIREAT", key, FormatRedisInt(*when)});
  return Reply::Integer(1);
}

Reply TtlGeneric(ExecContext& ctx, const Argv& argv, bool millis) {
  const Entry* entry = LookupKey(ctx, argv[1]);
  if (entry == nullptr) return Reply::Integer(-2);
  if (entry->expire_at_ms == kNoExpiry) return Reply::Integer(-1);
  int64_t ttl = entry->expire_at_ms - ctx.now_ms;
  if (ttl < 0) ttl = 0;
  // TTL rounds to the nearest second, as ttlGenericCommand does.
  return Reply::Integer(millis ? ttl : (ttl + 500) / 1000);
}

// FLUSHALL and FLUSHDB accept nothing or one of SYNC / ASYNC (getFlushCommandFlags).
Reply FlushGeneric(ExecContext& ctx, const Argv& argv, const char* effect) {
  if (argv.size() > 2) return ErrSyntax();
  if (argv.size() == 2) {
    const std::string mode = Lower(argv[1]);
    if (mode != "sync" && mode != "async") return ErrSyntax();
  }
  ctx.keyspace->Clear();
  Propagate(ctx, {effect});
  return Reply::Ok();
}

}  // namespace

Reply CmdDel(ExecContext& ctx, const Argv& argv) {
  int64_t deleted = 0;
  for (size_t j = 1; j < argv.size(); ++j) {
    if (LookupKey(ctx, argv[j]) != nullptr && ctx.keyspace->Erase(argv[j])) ++deleted;
  }
  if (deleted > 0) Propagate(ctx, argv);
  return Reply::Integer(deleted);
}

Reply CmdExists(ExecContext& ctx, const Argv& argv) {
  int64_t count = 0;
  for (size_t j = 1; j < argv.size(); ++j) {
    if (LookupKey(ctx, argv[j]) != nullptr) ++count;
  }
  return Reply::Integer(count);
}

Reply CmdExpire(ExecContext& ctx, const Argv& argv) {
  return ExpireGeneric(ctx, argv, ctx.now_ms, true);
}
Reply CmdPexpire(ExecContext& ctx, const Argv& argv) {
  return ExpireGeneric(ctx, argv, ctx.now_ms, false);
}
Reply CmdExpireat(ExecContext& ctx, const Argv& argv) {
  return ExpireGeneric(ctx, argv, 0, true);
}
Reply CmdPexpireat(ExecContext& ctx, const Argv& argv) {
  return ExpireGeneric(ctx, argv, 0, false);
}

Reply CmdTtl(ExecContext& ctx, const Argv& argv) { return TtlGeneric(ctx, argv, false); }
Reply CmdPttl(ExecContext& ctx, const Argv& argv) { return TtlGeneric(ctx, argv, true); }

Reply CmdPersist(ExecContext& ctx, const Argv& argv) {
  if (LookupKey(ctx, argv[1]) == nullptr) return Reply::Integer(0);
  if (!ctx.keyspace->Persist(argv[1])) return Reply::Integer(0);
  Propagate(ctx, argv);
  return Reply::Integer(1);
}

Reply CmdType(ExecContext& ctx, const Argv& argv) {
  const Entry* entry = LookupKey(ctx, argv[1]);
  return Reply::Status(entry == nullptr ? "none" : TypeName(entry->value));
}

// The model has one logical database, so FLUSHALL and FLUSHDB clear the same keyspace.
Reply CmdFlushall(ExecContext& ctx, const Argv& argv) {
  return FlushGeneric(ctx, argv, "FLUSHALL");
}
Reply CmdFlushdb(ExecContext& ctx, const Argv& argv) {
  return FlushGeneric(ctx, argv, "FLUSHDB");
}

Reply CmdPing(ExecContext& /*ctx*/, const Argv& argv) {
  if (argv.size() > 2) return ErrArity("ping");
  if (argv.size() == 2) return Reply::Bulk(argv[1]);
  return Reply::Status("PONG");
}

// Counts keys still stored, expired or not, exactly like dictSize(): a key whose deadline
// passed stays counted until lazy or active expiry removes it.
Reply CmdDbsize(ExecContext& ctx, const Argv& /*argv*/) {
  return Reply::Integer(static_cast<int64_t>(ctx.keyspace->size()));
}

}  // namespace models::redis
