#pragma once
// The saga's variants (registry entries) and their translation into models::mall::SagaOptions.
// Every variant's default is the correct design; the other values are the ladder rungs and
// errata of the catalog named in each doc line.

#include <vector>

#include "models/mall/mall_options.h"
#include "scenarios/spec/registry_info.h"
#include "scenarios/workload.h"

namespace scenarios {

std::vector<VariantSpec> SagaVariants();
// The variants and timing params of a run. REQUIRES: the workload params of mall_order.
models::mall::SagaOptions SagaOptionsFrom(const RunEnv& env);

}  // namespace scenarios
