# The payment part of the mall's scenarios: the mall_payment workload, its clients and order
# service node, the payment checkers and the registry entries (D-9 variants).
target_sources(mallsim_scenarios PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/pay_register.cc
  ${CMAKE_CURRENT_LIST_DIR}/pay_checkers.cc
  ${CMAKE_CURRENT_LIST_DIR}/pay_clients.cc
  ${CMAKE_CURRENT_LIST_DIR}/pay_order_node.cc
  ${CMAKE_CURRENT_LIST_DIR}/pay_workload.cc
)
