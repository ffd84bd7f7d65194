#pragma once
// The benchmark history shapes, shared by lin_bench and lin_gen. They mirror the Porcupine
// reference figures measured on this machine (see the task notes in bench/lin/lin_bench.cc).

#include <optional>
#include <string>
#include <vector>

#include "checkers/lin/history_gen.h"

namespace bench::lin {

struct Shape {
  std::string name;
  checkers::lin::GenOptions options;
  bool corrupt = false;  // one stale read: the expected verdict is illegal
};

inline checkers::lin::GenOptions Options(checkers::lin::ModelKind model, size_t clients,
                                         size_t ops, size_t keys, uint32_t cas_percent,
                                         uint64_t seed) {
  checkers::lin::GenOptions options;
  options.seed = seed;
  options.model = model;
  options.clients_count = clients;
  options.ops_count = ops;
  options.keys_count = keys;
  options.cas_percent = cas_percent;
  return options;
}

inline std::vector<Shape> Shapes() {
  using checkers::lin::ModelKind;
  return {
      {"register_10c_10k", Options(ModelKind::kRegister, 10, 10'000, 1, 0, 1), false},
      {"register_10c_100k", Options(ModelKind::kRegister, 10, 100'000, 1, 0, 2), false},
      {"register_50c_500", Options(ModelKind::kRegister, 50, 500, 1, 0, 3), false},
      {"kv_10keys_100k", Options(ModelKind::kKv, 10, 100'000, 10, 0, 4), false},
      {"register_10c_10k_corrupt", Options(ModelKind::kRegister, 10, 10'000, 1, 0, 5), true},
      {"cas_10c_10k", Options(ModelKind::kRegister, 10, 10'000, 1, 20, 6), false},
      {"cas_10c_10k_corrupt", Options(ModelKind::kRegister, 10, 10'000, 1, 20, 7), true},
  };
}

inline std::optional<Shape> FindShape(const std::string& name) {
  for (const Shape& shape : Shapes()) {
    if (shape.name == name) return shape;
  }
  return std::nullopt;
}

}  // namespace bench::lin
