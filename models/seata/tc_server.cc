// seata-server's coordinator; see tc_server.h.

#include "models/seata/tc_server.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "models/seata/seata_protocol.h"

namespace models::seata {

namespace {

struct BranchSession {
  int64_t id = 0;
  std::string resource;
  sim::Endpoint rm;
  std::vector<std::string> keys;
};

struct GlobalSession {
  std::string xid;
  GlobalStatus status = GlobalStatus::kBegin;
  int64_t deadline_ns = 0;
  std::vector<BranchSession> branches;
};

constexpr const char* kSessionPrefix = "seata/session/";
constexpr const char* kEndedPrefix = "seata/ended/";
constexpr const char* kCounterKey = "seata/next_id";

nlohmann::json ToJson(const GlobalSession& g) {
  nlohmann::json branches = nlohmann::json::array();
  for (const BranchSession& b : g.branches) {
    branches.push_back({{"id", b.id}, {"resource", b.resource}, {"node", b.rm.node},
                        {"port", b.rm.port}, {"keys", b.keys}});
  }
  return {{"xid", g.xid}, {"status", static_cast<int>(g.status)},
          {"deadline_ns", g.deadline_ns}, {"branches", branches}};
}

GlobalSession FromJson(const nlohmann::json& j) {
  GlobalSession g;
  g.xid = j.at("xid").get<std::string>();
  g.status = static_cast<GlobalStatus>(j.at("status").get<int>());
  g.deadline_ns = j.at("deadline_ns").get<int64_t>();
  for (const nlohmann::json& b : j.at("branches")) {
    g.branches.push_back(BranchSession{
        b.at("id").get<int64_t>(), b.at("resource").get<std::string>(),
        sim::Endpoint{b.at("node").get<sim::NodeId>(), b.at("port").get<sim::Port>()},
        b.at("keys").get<std::vector<std::string>>()});
  }
  return g;
}

// One incarnation of the TC: what the disk holds, loaded at boot, plus what is being driven.
struct Tc {
  Tc(sim::Env e, TcConfig c) : env(e), config(c) { Load(); }
  sim::Env env;
  TcConfig config;
  std::map<std::string, GlobalSession> sessions;
  std::map<std::string, std::string> locks;  // lock key -> xid
  std::map<std::string, GlobalStatus> ended;
  std::set<std::string> driving;  // phase two in progress in this incarnation
  int64_t next_id = 1;

  void Load() {
    sim::Disk& disk = env.disk();
    if (auto n = disk.Read(kCounterKey)) next_id = std::stoll(*n);
    for (const std::string& key : disk.Keys(kSessionPrefix)) {
      GlobalSession g = FromJson(nlohmann::json::parse(*disk.Read(key)));
      // A committed session released its locks when it committed; phase two only cleans up.
      for (const BranchSession& b : g.branches) {
        if (g.status == GlobalStatus::kCommitted) break;
        for (const std::string& k : b.keys) locks[k] = g.xid;
      }
      sessions[g.xid] = std::move(g);
    }
    for (const std::string& key : disk.Keys(kEndedPrefix)) {
      ended[key.substr(std::string(kEndedPrefix).size())] =
          static_cast<GlobalStatus>(std::stoi(*disk.Read(key)));
    }
  }
  // Writes the session (or its end) and fsyncs, before anything is answered.
  void Persist(const GlobalSession& g) {
    env.disk().Write(kSessionPrefix + g.xid, ToJson(g).dump());
    env.disk().Sync();
  }
  void End(const std::string& xid, GlobalStatus final_status) {
    auto it = sessions.find(xid);
    if (it != sessions.end()) {
      for (const BranchSession& b : it->second.branches) ReleaseLocks(xid, b.keys);
      sessions.erase(it);
    }
    ended[xid] = final_status;
    env.disk().Erase(kSessionPrefix + xid);
    env.disk().Write(kEndedPrefix + xid, std::to_string(static_cast<int>(final_status)));
    env.disk().Sync();
    env.Trace("seata.global", {{"xid", xid}, {"status", GlobalStatusName(final_status)}});
  }
  void ReleaseLocks(const std::string& xid, const std::vector<std::string>& keys) {
    for (const std::string& k : keys) {
      auto l = locks.find(k);
      if (l != locks.end() && l->second == xid) locks.erase(l);
    }
  }
  void SetStatus(GlobalSession& g, GlobalStatus s) {
    g.status = s;
    Persist(g);
    env.Trace("seata.global", {{"xid", g.xid}, {"status", GlobalStatusName(s)}});
  }
};

bool Rollbacking(GlobalStatus s) {
  return s == GlobalStatus::kRollbacking || s == GlobalStatus::kTimeoutRollbacking ||
         s == GlobalStatus::kRollbackRetrying;
}

// Phase two of a commit: every branch deletes its undo log; retried until each has.
sim::Task<void> DriveCommit(Tc* tc, std::string xid) {
  if (!tc->driving.insert(xid).second) co_return;
  while (tc->sessions.count(xid) != 0 && !tc->sessions.at(xid).branches.empty()) {
    const BranchSession b = tc->sessions.at(xid).branches.front();
    BranchEndRequest req{xid, b.id, b.resource, true};
    sim::Result<bool> r = co_await tc->env.Call<bool>(b.rm, std::move(req), tc->config.rm_timeout);
    if (!r.ok()) {
      co_await tc->env.Sleep(tc->config.retry_period);
      continue;
    }
    GlobalSession& g = tc->sessions.at(xid);
    g.branches.erase(g.branches.begin());
    tc->Persist(g);
  }
  tc->driving.erase(xid);
  if (tc->sessions.count(xid) != 0) tc->End(xid, GlobalStatus::kCommitted);
}

// One pass of a rollback: branches undone newest first; the first failure leaves the session
// RollbackRetrying (locks held) for the retry loop. Returns the status it leaves.
sim::Task<GlobalStatus> DriveRollback(Tc* tc, std::string xid) {
  if (!tc->driving.insert(xid).second) co_return tc->sessions.at(xid).status;
  while (!tc->sessions.at(xid).branches.empty()) {
    const BranchSession b = tc->sessions.at(xid).branches.back();
    BranchEndRequest req{xid, b.id, b.resource, false};
    sim::Result<bool> r = co_await tc->env.Call<bool>(b.rm, std::move(req), tc->config.rm_timeout);
    GlobalSession& g = tc->sessions.at(xid);
    if (!r.ok()) {
      if (g.status != GlobalStatus::kRollbackRetrying) tc->SetStatus(g, GlobalStatus::kRollbackRetrying);
      tc->driving.erase(xid);
      co_return GlobalStatus::kRollbackRetrying;
    }
    tc->ReleaseLocks(xid, b.keys);
    g.branches.pop_back();
    tc->Persist(g);
  }
  tc->driving.erase(xid);
  tc->End(xid, GlobalStatus::kRollbacked);
  co_return GlobalStatus::kRollbacked;
}

sim::Task<void> DiscardRollback(Tc* tc, std::string xid) {
  GlobalStatus s = co_await DriveRollback(tc, xid);
  (void)s;
}

// The TC's retry and timeout checkers, every retry_period: sessions past their deadline in
// Begin are rolled back; committing and rollbacking sessions nobody drives are resumed.
sim::Task<void> RetryLoop(Tc* tc) {
  while (true) {
    co_await tc->env.Sleep(tc->config.retry_period);
    std::vector<std::string> xids;
    for (const auto& [xid, g] : tc->sessions) {
      if (tc->driving.count(xid) == 0) xids.push_back(xid);
    }
    const int64_t now = tc->env.Now().nanos();
    for (const std::string& xid : xids) {
      auto it = tc->sessions.find(xid);
      if (it == tc->sessions.end() || tc->driving.count(xid) != 0) continue;
      GlobalSession& g = it->second;
      if (g.status == GlobalStatus::kBegin && now > g.deadline_ns) {
        tc->SetStatus(g, GlobalStatus::kTimeoutRollbacking);
      }
      if (g.status == GlobalStatus::kCommitted) tc->env.Spawn(DriveCommit(tc, xid));
      if (Rollbacking(g.status)) tc->env.Spawn(DiscardRollback(tc, xid));
    }
  }
}

sim::Result<std::string> Begin(Tc* tc, const GlobalBeginRequest& r) {
  const std::string xid = fmt::format("{}:{}", tc->env.name(), tc->next_id++);
  tc->env.disk().Write(kCounterKey, std::to_string(tc->next_id));
  GlobalSession g{xid, GlobalStatus::kBegin, (tc->env.Now() + r.timeout).nanos(), {}};
  tc->Persist(g);
  tc->sessions[xid] = std::move(g);
  tc->env.Trace("seata.global", {{"xid", xid}, {"status", "Begin"}, {"name", r.name}});
  return xid;
}

sim::Result<int64_t> Register(Tc* tc, const BranchRegisterRequest& r) {
  auto it = tc->sessions.find(r.xid);
  if (it == tc->sessions.end() || it->second.status != GlobalStatus::kBegin) {
    return sim::MakeError(sim::Errc::kRejected,
                          fmt::format("global transaction {} is not in Begin", r.xid));
  }
  for (const std::string& k : r.lock_keys) {
    auto l = tc->locks.find(k);
    if (l != tc->locks.end() && l->second != r.xid) {
      tc->env.Trace("seata.lock_conflict", {{"xid", r.xid}, {"key", k}, {"holder", l->second}});
      return sim::MakeError(sim::Errc::kConflict,
                            fmt::format("global lock on {} held by {}", k, l->second));
    }
  }
  for (const std::string& k : r.lock_keys) tc->locks[k] = r.xid;
  const int64_t id = tc->next_id++;
  tc->env.disk().Write(kCounterKey, std::to_string(tc->next_id));
  it->second.branches.push_back(BranchSession{id, r.resource, r.rm, r.lock_keys});
  tc->Persist(it->second);
  tc->env.Trace("seata.branch", {{"xid", r.xid}, {"branch", id}, {"resource", r.resource},
                                 {"locks", static_cast<int64_t>(r.lock_keys.size())}});
  return id;
}

sim::Task<sim::Result<GlobalStatus>> HandleEnd(Tc* tc, GlobalEndRequest r) {
  auto it = tc->sessions.find(r.xid);
  if (it == tc->sessions.end()) {
    auto e = tc->ended.find(r.xid);
    co_return e == tc->ended.end() ? GlobalStatus::kFinished : e->second;
  }
  GlobalSession& g = it->second;
  if (g.status != GlobalStatus::kBegin) co_return g.status;
  if (r.commit) {
    tc->SetStatus(g, GlobalStatus::kCommitted);
    for (const BranchSession& b : g.branches) tc->ReleaseLocks(r.xid, b.keys);
    tc->env.Spawn(DriveCommit(tc, r.xid));
    co_return GlobalStatus::kCommitted;
  }
  tc->SetStatus(g, GlobalStatus::kRollbacking);
  GlobalStatus s = co_await DriveRollback(tc, r.xid);
  co_return s;
}

}  // namespace

const char* GlobalStatusName(GlobalStatus s) {
  switch (s) {
    case GlobalStatus::kBegin: return "Begin";
    case GlobalStatus::kCommitted: return "Committed";
    case GlobalStatus::kRollbacking: return "Rollbacking";
    case GlobalStatus::kTimeoutRollbacking: return "TimeoutRollbacking";
    case GlobalStatus::kRollbackRetrying: return "RollbackRetrying";
    case GlobalStatus::kRollbacked: return "Rollbacked";
    case GlobalStatus::kFinished: return "Finished";
  }
  return "?";
}

std::string LockKey(const std::string& table, int64_t pk) { return fmt::format("{}:{}", table, pk); }

void BootSeataServer(sim::Env env, TcConfig config) {
  Tc* tc = &env.Keep<Tc>(env, config);
  env.ServeNow<GlobalBeginRequest, std::string>(
      kTcBeginPort, [tc](GlobalBeginRequest&& r) { return Begin(tc, r); });
  env.ServeNow<BranchRegisterRequest, int64_t>(
      kTcRegisterPort, [tc](BranchRegisterRequest&& r) { return Register(tc, r); });
  env.ServeNow<GlobalLockQueryRequest, bool>(kTcLockQueryPort, [tc](GlobalLockQueryRequest&& r) {
    bool locked = false;
    for (const std::string& k : r.lock_keys) locked |= tc->locks.count(k) != 0;
    return sim::Result<bool>(locked);
  });
  env.Serve<GlobalEndRequest, GlobalStatus>(
      kTcEndPort, [tc](GlobalEndRequest r) { return HandleEnd(tc, r); });
  env.Spawn(RetryLoop(tc));
}

}  // namespace models::seata
