// String commands: GET, SET (NX XX GET KEEPTTL EX PX EXAT PXAT), INCR, DECR, INCRBY, DECRBY.
// SET's option grammar and check order follow Redis 7.0 t_string.c: options are parsed
// first (syntax errors), then the expire value (integer, then range), then GET's type check,
// then the NX/XX condition.
#include <limits>
#include <optional>

#include "models/redis/commands.h"
#include "models/redis/int_text.h"

namespace models::redis {
namespace {

constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();

enum SetFlag : unsigned {
  kNx = 1, kXx = 2, kGet = 4, kKeepTtl = 8, kEx = 16, kPx = 32, kExat = 64, kPxat = 128,
};
constexpr unsigned kAnyExpire = kEx | kPx | kExat | kPxat;

struct SetOptions {
  unsigned flags = 0;
  const std::string* expire = nullptr;  // the argument after EX/PX/EXAT/PXAT
};

// Mirrors parseExtendedStringArgumentsOrReply: an option is accepted only when no option it
// conflicts with was seen before it; repeating the same option is allowed.
bool ParseSetOptions(const Argv& argv, SetOptions* out) {
  for (size_t j = 3; j < argv.size(); ++j) {
    const std::string opt = Lower(argv[j]);
    const bool has_next = j + 1 < argv.size();
    unsigned expire_flag = 0;
    if (opt == "nx" && (out->flags & kXx) == 0) {
      out->flags |= kNx;
    } else if (opt == "xx" && (out->flags & kNx) == 0) {
      out->flags |= kXx;
    } else if (opt == "get") {
      out->flags |= kGet;
    } else if (opt == "keepttl" && (out->flags & kAnyExpire) == 0) {
      out->flags |= kKeepTtl;
    } else if (opt == "ex") {
      expire_flag = kEx;
    } else if (opt == "px") {
      expire_flag = kPx;
    } else if (opt == "exat") {
      expire_flag = kExat;
    } else if (opt == "pxat") {
      expire_flag = kPxat;
    } else {
      return false;
    }
    if (expire_flag != 0) {
      const unsigned conflicts = kKeepTtl | (kAnyExpire & ~expire_flag);
      if ((out->flags & conflicts) != 0 || !has_next) return false;
      out->flags |= expire_flag;
      out->expire = &argv[++j];
    }
  }
  return true;
}

// getExpireMillisecondsOrReply: the absolute deadline, or the error reply.
std::optional<Reply> ExpireDeadline(const ExecContext& ctx, const SetOptions& opts,
                                    int64_t* deadline_ms) {
  std::optional<int64_t> value = ParseRedisInt(*opts.expire);
  if (!value) return ErrNotInteger();
  const bool seconds = (opts.flags & (kEx | kExat)) != 0;
  if (*value <= 0 || (seconds && *value > kInt64Max / 1000)) return ErrInvalidExpire("set");
  if (seconds) *value *= 1000;
  if ((opts.flags & (kEx | kPx)) != 0) {
    // The real server adds its clock and rejects the wrapped-around result.
    if (*value > kInt64Max - ctx.now_ms) return ErrInvalidExpire("set");
    *value += ctx.now_ms;
  }
  *deadline_ms = *value;
  return std::nullopt;
}

Reply IncrDecr(ExecContext& ctx, const std::string& key, int64_t delta) {
  Entry* entry = LookupKey(ctx, key);
  int64_t current = 0;
  if (entry != nullptr) {
    const auto* text = std::get_if<std::string>(&entry->value);
    if (text == nullptr) return ErrWrongType();
    std::optional<int64_t> parsed = ParseRedisInt(*text);
    if (!parsed) return ErrNotInteger();
    current = *parsed;
  }
  std::optional<int64_t> next = CheckedAdd(current, delta);
  if (!next) return ErrOverflow();
  const std::string text = FormatRedisInt(*next);
  Propagate(ctx, {"SET", key, text, "KEEPTTL"});
  ctx.keyspace->PutString(key, entry, text, /*keep_ttl=*/true);
  return Reply::Integer(*next);
}

}  // namespace

Reply CmdGet(ExecContext& ctx, const Argv& argv) {
  const Entry* entry = LookupKey(ctx, argv[1]);
  if (entry == nullptr) return Reply::Nil();
  const auto* text = std::get_if<std::string>(&entry->value);
  if (text == nullptr) return ErrWrongType();
  return Reply::BulkCopy(*text);
}

Reply CmdSet(ExecContext& ctx, const Argv& argv) {
  SetOptions opts;
  if (!ParseSetOptions(argv, &opts)) return ErrSyntax();
  int64_t deadline_ms = kNoExpiry;
  if (opts.expire != nullptr) {
    if (auto err = ExpireDeadline(ctx, opts, &deadline_ms)) return *err;
  }
  const std::string& key = argv[1];
  Reply old = Reply::Nil();
  if ((opts.flags & kGet) != 0) {
    old = CmdGet(ctx, {"GET", key});
    if (old.IsError()) return old;
  }
  Entry* entry = LookupKey(ctx, key);
  const bool found = entry != nullptr;
  if (((opts.flags & kNx) != 0 && found) || ((opts.flags & kXx) != 0 && !found)) {
    return (opts.flags & kGet) != 0 ? old : Reply::Nil();
  }
  const bool keep_ttl = (opts.flags & kKeepTtl) != 0;
  ctx.keyspace->PutString(key, entry, argv[2], keep_ttl);
  if (deadline_ms != kNoExpiry) {
    // A deadline already in the past is kept, as Redis 7.0 does; the key then expires on its
    // next access.
    ctx.keyspace->SetExpire(key, deadline_ms);
    Propagate(ctx, {"SET", key, argv[2], "PXAT", FormatRedisInt(deadline_ms)});
  } else if (keep_ttl) {
    Propagate(ctx, {"SET", key, argv[2], "KEEPTTL"});
  } else {
    Propagate(ctx, {"SET", key, argv[2]});
  }
  // Not a conditional expression, which would copy `old` and move Ok(): each is returned as is.
  if ((opts.flags & kGet) != 0) return old;
  return Reply::Ok();
}

Reply CmdIncr(ExecContext& ctx, const Argv& argv) { return IncrDecr(ctx, argv[1], 1); }
Reply CmdDecr(ExecContext& ctx, const Argv& argv) { return IncrDecr(ctx, argv[1], -1); }

Reply CmdIncrby(ExecContext& ctx, const Argv& argv) {
  std::optional<int64_t> delta = ParseRedisInt(argv[2]);
  if (!delta) return ErrNotInteger();
  return IncrDecr(ctx, argv[1], *delta);
}

Reply CmdDecrby(ExecContext& ctx, const Argv& argv) {
  std::optional<int64_t> delta = ParseRedisInt(argv[2]);
  if (!delta) return ErrNotInteger();
  // Negating INT64_MIN overflows; Redis 7.0 rejects it with its own message.
  if (*delta == std::numeric_limits<int64_t>::min()) {
    return Reply::Error("ERR decrement would overflow");
  }
  return IncrDecr(ctx, argv[1], -*delta);
}

}  // namespace models::redis
