// List commands: LPUSH RPUSH LPOP RPOP (with the 7.0 count argument) LRANGE LLEN, with the
// real server's replies for the edge cases: LPOP of a missing key is nil with or without a
// count, a count of 0 on an existing list is an empty array, and a bad count is reported
// before the key is looked at.
#include <algorithm>
#include <optional>

#include "models/redis/commands.h"
#include "models/redis/int_text.h"

namespace models::redis {
namespace {

Reply PushGeneric(ExecContext& ctx, const Argv& argv, bool left) {
  bool wrong_type = false;
  auto* list = LookupOrCreate<ListValue>(ctx, argv[1], &wrong_type);
  if (wrong_type) return ErrWrongType();
  for (size_t j = 2; j < argv.size(); ++j) {
    if (left) {
      list->push_front(argv[j]);
    } else {
      list->push_back(argv[j]);
    }
  }
  Propagate(ctx, argv);
  return Reply::Integer(static_cast<int64_t>(list->size()));
}

Reply PopGeneric(ExecContext& ctx, const Argv& argv, bool left) {
  if (argv.size() > 3) return ErrArity(left ? "lpop" : "rpop");
  const bool has_count = argv.size() == 3;
  int64_t count = 1;
  if (has_count) {
    std::optional<int64_t> parsed = ParseRedisInt(argv[2]);
    if (!parsed || *parsed < 0) return Reply::Error("ERR value is out of range, must be positive");
    count = *parsed;
  }
  bool wrong_type = false;
  auto* list = LookupOrNull<ListValue>(ctx, argv[1], &wrong_type);
  if (wrong_type) return ErrWrongType();
  if (list == nullptr) return Reply::Nil();
  if (has_count && count == 0) return Reply::Array({});
  std::vector<Reply> popped;
  while (count > 0 && !list->empty()) {
    popped.push_back(Reply::Bulk(left ? list->front() : list->back()));
    if (left) {
      list->pop_front();
    } else {
      list->pop_back();
    }
    --count;
  }
  if (list->empty()) ctx.keyspace->Erase(argv[1]);
  Propagate(ctx, argv);
  if (!has_count) return popped.front();
  return Reply::Array(std::move(popped));
}

}  // namespace

Reply CmdLpush(ExecContext& ctx, const Argv& argv) { return PushGeneric(ctx, argv, true); }
Reply CmdRpush(ExecContext& ctx, const Argv& argv) { return PushGeneric(ctx, argv, false); }
Reply CmdLpop(ExecContext& ctx, const Argv& argv) { return PopGeneric(ctx, argv, true); }
Reply CmdRpop(ExecContext& ctx, const Argv& argv) { return PopGeneric(ctx, argv, false); }

Reply CmdLrange(ExecContext& ctx, const Argv& argv) {
  std::optional<int64_t> start = ParseRedisInt(argv[2]);
  std::optional<int64_t> end = ParseRedisInt(argv[3]);
  if (!start || !end) return ErrNotInteger();
  bool wrong_type = false;
  const auto* list = LookupOrNull<ListValue>(ctx, argv[1], &wrong_type);
  if (wrong_type) return ErrWrongType();
  std::vector<Reply> out;
  if (list == nullptr) return Reply::Array(std::move(out));
  const auto len = static_cast<int64_t>(list->size());
  // Negative indexes count from the tail; the range is then clamped as listTypeRange does.
  if (*start < 0) *start += len;
  if (*end < 0) *end += len;
  if (*start < 0) *start = 0;
  if (*start > *end || *start >= len) return Reply::Array(std::move(out));
  *end = std::min(*end, len - 1);
  for (int64_t i = *start; i <= *end; ++i) {
    out.push_back(Reply::Bulk((*list)[static_cast<size_t>(i)]));
  }
  return Reply::Array(std::move(out));
}

Reply CmdLlen(ExecContext& ctx, const Argv& argv) {
  bool wrong_type = false;
  const auto* list = LookupOrNull<ListValue>(ctx, argv[1], &wrong_type);
  if (wrong_type) return ErrWrongType();
  return Reply::Integer(list == nullptr ? 0 : static_cast<int64_t>(list->size()));
}

}  // namespace models::redis
