#pragma once
// A pool of connection clients (a Hikari or Lettuce pool) for one incarnation of a service:
// Take hands out a free client or makes a new one (the pool grows as needed; limits and
// validation are not modelled), Give returns it. A client serves one request at a time.

#include <memory>
#include <vector>

namespace sim {

template <class Client>
class ClientPool {
 public:
  // A free client, or a new Client(args...).
  template <class... Args>
  Client* Take(Args... args) {
    if (!free_.empty()) {
      Client* c = free_.back();
      free_.pop_back();
      return c;
    }
    all_.push_back(std::make_unique<Client>(args...));
    return all_.back().get();
  }
  // REQUIRES: c came from Take and is not in use. A client that can tell it lost its
  // connection (EvictIfBroken) is validated first, as Hikari does.
  void Give(Client* c) {
    if constexpr (requires { c->EvictIfBroken(); }) c->EvictIfBroken();
    free_.push_back(c);
  }

 private:
  std::vector<std::unique_ptr<Client>> all_;
  std::vector<Client*> free_;
};

}  // namespace sim
