// Writes GenerateSchema(TestRegistry()) to the file named by argv[1].
#include <fstream>
#include <iostream>

#include "scenarios/spec/schema.h"
#include "test_registry.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: scenarios_test_schema_gen <out.json>\n";
    return 2;
  }
  std::ofstream out(argv[1]);
  out << scenarios::GenerateSchema(scenarios::testing::TestRegistry()).dump(2) << "\n";
  return out ? 0 : 1;
}
