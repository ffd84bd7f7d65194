#include "scenarios/spec/registry_info.h"

namespace scenarios {

const char* ParamTypeName(ParamType t) {
  switch (t) {
    case ParamType::kInt: return "int";
    case ParamType::kDurationMs: return "duration_ms";
    case ParamType::kPerMille: return "per_mille";
    case ParamType::kBool: return "bool";
    case ParamType::kString: return "string";
    case ParamType::kEnum: return "enum";
    case ParamType::kNodeList: return "node_list";
  }
  return "unknown";
}

}  // namespace scenarios
