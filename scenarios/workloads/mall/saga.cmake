target_sources(mallsim_scenarios PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/saga_register.cc)
