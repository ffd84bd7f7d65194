// Hash and set commands: HSET HGET HDEL HGETALL HINCRBY HEXISTS HLEN, SADD SREM SISMEMBER
// SMEMBERS SCARD. HGETALL and SMEMBERS answer in the model's sorted order; the real server's
// order is unspecified (it depends on encoding and hashing), so callers and the conformance
// test compare those replies as sets.
#include <optional>

#include "models/redis/commands.h"
#include "models/redis/int_text.h"

namespace models::redis {

Reply CmdHset(ExecContext& ctx, const Argv& argv) {
  if (argv.size() % 2 == 1) return ErrArity("hset");
  bool wrong_type = false;
  auto* hash = LookupOrCreate<HashValue>(ctx, argv[1], &wrong_type);
  if (wrong_type) return ErrWrongType();
  int64_t created = 0;
  for (size_t j = 2; j + 1 < argv.size(); j += 2) {
    auto [it, inserted] = hash->insert_or_assign(argv[j], argv[j + 1]);
    if (inserted) ++created;
  }
  Propagate(ctx, argv);
  return Reply::Integer(created);
}

Reply CmdHget(ExecContext& ctx, const Argv& argv) {
  bool wrong_type = false;
  const auto* hash = LookupOrNull<HashValue>(ctx, argv[1], &wrong_type);
  if (wrong_type) return ErrWrongType();
  if (hash == nullptr) return Reply::Nil();
  auto it = hash->find(argv[2]);
  return it == hash->end() ? Reply::Nil() : Reply::Bulk(it->second);
}

Reply CmdHdel(ExecContext& ctx, const Argv& argv) {
  bool wrong_type = false;
  auto* hash = LookupOrNull<HashValue>(ctx, argv[1], &wrong_type);
  if (wrong_type) return ErrWrongType();
  if (hash == nullptr) return Reply::Integer(0);
  int64_t deleted = 0;
  for (size_t j = 2; j < argv.size(); ++j) deleted += static_cast<int64_t>(hash->erase(argv[j]));
  if (hash->empty()) ctx.keyspace->Erase(argv[1]);
  if (deleted > 0) Propagate(ctx, argv);
  return Reply::Integer(deleted);
}

Reply CmdHgetall(ExecContext& ctx, const Argv& argv) {
  bool wrong_type = false;
  const auto* hash = LookupOrNull<HashValue>(ctx, argv[1], &wrong_type);
  if (wrong_type) return ErrWrongType();
  std::vector<Reply> out;
  if (hash != nullptr) {
    for (const auto& [field, value] : *hash) {
      out.push_back(Reply::Bulk(field));
      out.push_back(Reply::Bulk(value));
    }
  }
  return Reply::Array(std::move(out));
}

Reply CmdHincrby(ExecContext& ctx, const Argv& argv) {
  std::optional<int64_t> delta = ParseRedisInt(argv[3]);
  if (!delta) return ErrNotInteger();
  bool wrong_type = false;
  auto* hash = LookupOrCreate<HashValue>(ctx, argv[1], &wrong_type);
  if (wrong_type) return ErrWrongType();
  int64_t current = 0;
  if (auto it = hash->find(argv[2]); it != hash->end()) {
    std::optional<int64_t> parsed = ParseRedisInt(it->second);
    if (!parsed) return Reply::Error("ERR hash value is not an integer");
    current = *parsed;
  }
  std::optional<int64_t> next = CheckedAdd(current, *delta);
  // A key created above always gets its field: a fresh field cannot overflow (0 + delta).
  if (!next) return ErrOverflow();
  (*hash)[argv[2]] = FormatRedisInt(*next);
  Propagate(ctx, {"HSET", argv[1], argv[2], FormatRedisInt(*next)});
  return Reply::Integer(*next);
}

Reply CmdHexists(ExecContext& ctx, const Argv& argv) {
  bool wrong_type = false;
  const auto* hash = LookupOrNull<HashValue>(ctx, argv[1], &wrong_type);
  if (wrong_type) return ErrWrongType();
  return Reply::Integer(hash != nullptr && hash->contains(argv[2]) ? 1 : 0);
}

Reply CmdHlen(ExecContext& ctx, const Argv& argv) {
  bool wrong_type = false;
  const auto* hash = LookupOrNull<HashValue>(ctx, argv[1], &wrong_type);
  if (wrong_type) return ErrWrongType();
  return Reply::Integer(hash == nullptr ? 0 : static_cast<int64_t>(hash->size()));
}

Reply CmdSadd(ExecContext& ctx, const Argv& argv) {
  bool wrong_type = false;
  auto* set = LookupOrCreate<SetValue>(ctx, argv[1], &wrong_type);
  if (wrong_type) return ErrWrongType();
  int64_t added = 0;
  for (size_t j = 2; j < argv.size(); ++j) {
    if (set->insert(argv[j]).second) ++added;
  }
  if (added > 0) Propagate(ctx, argv);
  return Reply::Integer(added);
}

Reply CmdSrem(ExecContext& ctx, const Argv& argv) {
  bool wrong_type = false;
  auto* set = LookupOrNull<SetValue>(ctx, argv[1], &wrong_type);
  if (wrong_type) return ErrWrongType();
  if (set == nullptr) return Reply::Integer(0);
  int64_t removed = 0;
  for (size_t j = 2; j < argv.size(); ++j) removed += static_cast<int64_t>(set->erase(argv[j]));
  if (set->empty()) ctx.keyspace->Erase(argv[1]);
  if (removed > 0) Propagate(ctx, argv);
  return Reply::Integer(removed);
}

Reply CmdSismember(ExecContext& ctx, const Argv& argv) {
  bool wrong_type = false;
  const auto* set = LookupOrNull<SetValue>(ctx, argv[1], &wrong_type);
  if (wrong_type) return ErrWrongType();
  return Reply::Integer(set != nullptr && set->contains(argv[2]) ? 1 : 0);
}

Reply CmdSmembers(ExecContext& ctx, const Argv& argv) {
  bool wrong_type = false;
  const auto* set = LookupOrNull<SetValue>(ctx, argv[1], &wrong_type);
  if (wrong_type) return ErrWrongType();
  std::vector<Reply> out;
  if (set != nullptr) {
    for (const std::string& member : *set) out.push_back(Reply::Bulk(member));
  }
  return Reply::Array(std::move(out));
}

Reply CmdScard(ExecContext& ctx, const Argv& argv) {
  bool wrong_type = false;
  const auto* set = LookupOrNull<SetValue>(ctx, argv[1], &wrong_type);
  if (wrong_type) return ErrWrongType();
  return Reply::Integer(set == nullptr ? 0 : static_cast<int64_t>(set->size()));
}

}  // namespace models::redis
