# The payment part of the mall: the Alipay model (platform state, node, signed messages) and the
# merchant side that runs inside the order service.
list(APPEND MALL_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/alipay_sign.cc
  ${CMAKE_CURRENT_LIST_DIR}/alipay_model.cc
  ${CMAKE_CURRENT_LIST_DIR}/alipay.cc
  ${CMAKE_CURRENT_LIST_DIR}/payment.cc
  ${CMAKE_CURRENT_LIST_DIR}/payment_record.cc
  ${CMAKE_CURRENT_LIST_DIR}/payment_close.cc
)
