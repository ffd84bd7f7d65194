#include "scenarios/workload.h"

#include "sim/assert.h"

namespace scenarios {

const std::string& RunEnv::Variant(const std::string& name) const {
  auto it = variants.find(name);
  SIM_ASSERT_MSG(it != variants.end(), "variant " << name << " is not registered");
  return it->second;
}

}  // namespace scenarios
