# The order/stock saga's workload, checkers and variants (see CMakeLists.txt here).
target_sources(mallsim_scenarios PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/saga_register.cc
  ${CMAKE_CURRENT_LIST_DIR}/saga_options.cc
  ${CMAKE_CURRENT_LIST_DIR}/saga_snapshot.cc
  ${CMAKE_CURRENT_LIST_DIR}/saga_users.cc
  ${CMAKE_CURRENT_LIST_DIR}/saga_workload.cc
  ${CMAKE_CURRENT_LIST_DIR}/saga_checkers_util.cc
  ${CMAKE_CURRENT_LIST_DIR}/saga_checkers_stock.cc
  ${CMAKE_CURRENT_LIST_DIR}/saga_checkers_order.cc
  ${CMAKE_CURRENT_LIST_DIR}/saga_checkers_mq.cc
)
