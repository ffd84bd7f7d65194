# Tests of the payment part of the mall: the Alipay model, the merchant side, the checkers.
add_executable(mall_pay_tests
  ${CMAKE_CURRENT_LIST_DIR}/pay_alipay_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/pay_merchant_test.cc
  ${CMAKE_CURRENT_LIST_DIR}/pay_checkers_test.cc)
target_link_libraries(mall_pay_tests PRIVATE mallsim_mall mallsim_scenarios Catch2::Catch2WithMain
                      rapidcheck rapidcheck_catch)
catch_discover_tests(mall_pay_tests TEST_PREFIX "mall.")
