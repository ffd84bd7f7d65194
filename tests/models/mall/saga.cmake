# Tests of the order/stock saga: the checkers on hand-made snapshots, and the specs (the default
# design valid, every negative spec caught within its budget).
add_executable(mall_saga_tests saga_checkers_test.cc saga_specs_test.cc)
target_link_libraries(mall_saga_tests PRIVATE mallsim_scenarios Catch2::Catch2WithMain)
target_compile_definitions(mall_saga_tests PRIVATE MALLSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
catch_discover_tests(mall_saga_tests TEST_PREFIX "mall.")

# D-15's schemes on the ware service alone (the retry after a failed lock).
add_executable(mall_ware_tests ware_idempotency_test.cc)
target_link_libraries(mall_ware_tests PRIVATE mallsim_scenarios Catch2::Catch2WithMain)
catch_discover_tests(mall_ware_tests TEST_PREFIX "mall.")
