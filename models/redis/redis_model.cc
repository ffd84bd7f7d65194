// Command dispatch, transactions and scripts of RedisModel. Persistence and replication
// methods are in redis_model_replication.cc.
#include "models/redis/redis_model.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "sim/assert.h"
#include "models/redis/int_text.h"
#include "models/redis/sha1.h"

namespace models::redis {
namespace {

// Redis's rejectCommandFormat turns CR and LF into spaces so the reply stays one line.
std::string OneLine(std::string text) {
  std::replace(text.begin(), text.end(), '\r', ' ');
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// server.c processCommand: the name and the first arguments, each cut to fit 128 bytes.
Reply UnknownCommand(const Argv& argv) {
  constexpr size_t kLimit = 128;
  std::string args;
  for (size_t i = 1; i < argv.size() && args.size() < kLimit; ++i) {
    args += "'" + argv[i].substr(0, kLimit - args.size()) + "' ";
  }
  return Reply::Error(OneLine("ERR unknown command '" + argv[0].substr(0, kLimit) +
                              "', with args beginning with: " + args));
}

Reply ErrReadonly() {
  return Reply::Error("READONLY You can't write against a read only replica.");
}

}  // namespace

RedisModel::RedisModel(RedisConfig config)
    : config_(std::move(config)),
      durable_(config_.persistence, config_.rdb_interval) {
  repl_id_ = NewReplicationId();
  for (const Script* script : NamedScripts()) RegisterScript(*script);
}

Reply RedisModel::Execute(const Argv& argv, sim::Instant now) {
  return Execute(kDefaultClient, argv, now);
}

Reply RedisModel::Execute(ClientId client, const Argv& argv, sim::Instant now) {
  SIM_ASSERT(script_run_.script == nullptr);
  Advance(now);
  if (argv.empty()) return Reply::Error("ERR empty command");
  const CommandSpec* spec = FindCommand(argv[0]);
  if (spec == nullptr) return Reject(client, UnknownCommand(argv));
  if (!ArityOk(*spec, argv.size())) {
    if (spec->kind == CommandKind::kExec) {
      // execCommandAbort: a malformed EXEC discards the transaction, if there is one.
      clients_.erase(client);
      return Reply::Error(
          "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' "
          "command");
    }
    return Reject(client, ErrArity(spec->name));
  }
  if (role_ == Role::kReplica && spec->write) return Reject(client, ErrReadonly());
  auto it = clients_.find(client);
  const bool in_multi = it != clients_.end();
  switch (spec->kind) {
    case CommandKind::kMulti:
      // Not a queueing refusal: a nested MULTI leaves the transaction intact.
      if (in_multi) return Reply::Error("ERR MULTI calls can not be nested");
      clients_.emplace(client, ClientState{});
      return Reply::Ok();
    case CommandKind::kExec:
      return RunExec(client, now);
    case CommandKind::kDiscard:
      if (!in_multi) return Reply::Error("ERR DISCARD without MULTI");
      clients_.erase(it);
      return Reply::Ok();
    case CommandKind::kData:
    case CommandKind::kEval:
      break;
  }
  if (in_multi) {
    it->second.queued.push_back(argv);
    return Reply::Status("QUEUED");
  }
  return RunCommand(*spec, argv, now);
}

// Apart from Execute so that its one named reply is returned in place (GCC elides the move of
// a named return value only where every return names it).
Reply RedisModel::RunCommand(const CommandSpec& spec, const Argv& argv, sim::Instant now) {
  EffectLog effects = NewEffectLog();
  Reply reply = Dispatch(spec, argv, now, &effects);
  Commit(std::move(effects), now);
  return reply;
}

void RedisModel::DisconnectClient(ClientId client) { clients_.erase(client); }

Reply RedisModel::Reject(ClientId client, Reply error) {
  SIM_ASSERT(error.IsError());
  // flagTransaction: a command refused while queueing poisons the transaction.
  if (auto it = clients_.find(client); it != clients_.end()) it->second.dirty = true;
  return error;
}

Reply RedisModel::Dispatch(const CommandSpec& spec, const Argv& argv, sim::Instant now,
                           EffectLog* effects) {
  if (spec.kind == CommandKind::kEval) return RunEval(argv, now, effects);
  SIM_ASSERT(spec.kind == CommandKind::kData);
  ExecContext ctx = MakeContext(NowMs(now), effects);
  return spec.handler(ctx, argv);
}

Reply RedisModel::RunExec(ClientId client, sim::Instant now) {
  auto it = clients_.find(client);
  if (it == clients_.end()) return Reply::Error("ERR EXEC without MULTI");
  ClientState state = std::move(it->second);
  clients_.erase(it);
  if (state.dirty) {
    return Reply::Error("EXECABORT Transaction discarded because of previous errors.");
  }
  std::vector<const CommandSpec*> specs;
  for (const Argv& queued : state.queued) specs.push_back(FindCommand(queued[0]));
  const bool has_write = std::any_of(specs.begin(), specs.end(),
                                     [](const CommandSpec* spec) { return spec->write; });
  if (role_ == Role::kReplica && has_write) {
    return Reply::Error(
        "ERR Transaction contains write commands but instance is now a read-only replica. "
        "EXEC aborted.");
  }
  // Every queued command runs, errors included; the effects form one atomic record.
  std::vector<Reply> replies;
  EffectLog effects = NewEffectLog();
  for (size_t i = 0; i < state.queued.size(); ++i) {
    replies.push_back(Dispatch(*specs[i], state.queued[i], now, &effects));
  }
  Commit(std::move(effects), now);
  return Reply::Array(std::move(replies));
}

void RedisModel::RegisterScript(Script script) {
  SIM_ASSERT(static_cast<bool>(script.sim_impl));
  std::string source = script.lua_source;
  scripts_by_source_.insert_or_assign(std::move(source), std::move(script));
}

Reply RedisModel::RunEval(const Argv& argv, sim::Instant now, EffectLog* effects) {
  std::optional<int64_t> numkeys = ParseRedisInt(argv[2]);
  if (!numkeys) return ErrNotInteger();
  if (*numkeys > static_cast<int64_t>(argv.size()) - 3) {
    return Reply::Error("ERR Number of keys can't be greater than number of args");
  }
  if (*numkeys < 0) return Reply::Error("ERR Number of keys can't be negative");
  auto it = scripts_by_source_.find(argv[1]);
  if (it == scripts_by_source_.end()) {
    return Reply::Error(
        "ERR mallsim models Lua scripts only by name: this EVAL source is not a registered "
        "models::redis::Script");
  }
  const auto keys_end = argv.begin() + 3 + *numkeys;
  const Argv keys(argv.begin() + 3, keys_end);
  const Argv args(keys_end, argv.end());
  return RunScriptWith(it->second, keys, args, now, effects);
}

Reply RedisModel::RunScript(const Script& script, const Argv& keys, const Argv& args,
                            sim::Instant now) {
  SIM_ASSERT(script_run_.script == nullptr);
  Advance(now);
  EffectLog effects = NewEffectLog();
  Reply reply = RunScriptWith(script, keys, args, now, &effects);
  Commit(std::move(effects), now);
  return reply;
}

Reply RedisModel::RunScriptWith(const Script& script, const Argv& keys, const Argv& args,
                                sim::Instant now, EffectLog* effects) {
  SIM_ASSERT(script_run_.script == nullptr);
  SIM_ASSERT(static_cast<bool>(script.sim_impl));
  // Time stands still inside a script, as Redis freezes it for the script's duration.
  script_run_ = ScriptRun{&script, NowMs(now), effects};
  Reply reply = script.sim_impl(*this, keys, args, now);
  script_run_ = ScriptRun{};
  if (!reply.IsError()) return reply;
  // A raised error carries the script's identity, exactly as redis-server 7.0 words it.
  return Reply::Error(reply.str() + " script: " + Sha1Hex(script.lua_source) +
                      ", on @user_script:1.");
}

Reply RedisModel::Call(const Argv& argv) {
  SIM_ASSERT(script_run_.script != nullptr);
  if (argv.empty()) {
    return Reply::Error("ERR Please specify at least one argument for this redis lib call");
  }
  const CommandSpec* spec = FindCommand(argv[0]);
  if (spec == nullptr) return Reply::Error("ERR Unknown Redis command called from script");
  if (spec->kind != CommandKind::kData) {
    return Reply::Error("ERR This Redis command is not allowed from script");
  }
  if (!ArityOk(*spec, argv.size())) {
    return Reply::Error("ERR Wrong number of args calling Redis command from script");
  }
  if (role_ == Role::kReplica && spec->write) return ErrReadonly();
  ExecContext ctx = MakeContext(script_run_.now_ms, script_run_.effects);
  return spec->handler(ctx, argv);
}

ExecContext RedisModel::MakeContext(int64_t now_ms, EffectLog* effects) {
  const ExpiryMode mode = role_ == Role::kPrimary ? ExpiryMode::kDelete : ExpiryMode::kHide;
  return ExecContext{&keyspace_, now_ms, mode, effects};
}

int64_t RedisModel::NowMs(sim::Instant now) const {
  return config_.unix_ms_at_zero + now.nanos() / 1'000'000;
}

}  // namespace models::redis
