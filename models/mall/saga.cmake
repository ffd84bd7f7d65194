# The saga part of the mall (order, ware, member): see models/mall/CMakeLists.txt.
list(APPEND MALL_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/mall_tables.cc
  ${CMAKE_CURRENT_LIST_DIR}/mall_topology.cc
  ${CMAKE_CURRENT_LIST_DIR}/member_service.cc
  ${CMAKE_CURRENT_LIST_DIR}/order_close.cc
  ${CMAKE_CURRENT_LIST_DIR}/order_pay.cc
  ${CMAKE_CURRENT_LIST_DIR}/order_submit.cc
  ${CMAKE_CURRENT_LIST_DIR}/service_kit.cc
  ${CMAKE_CURRENT_LIST_DIR}/ware_lock.cc
  ${CMAKE_CURRENT_LIST_DIR}/ware_lock_idempotency.cc
  ${CMAKE_CURRENT_LIST_DIR}/ware_release.cc
)
