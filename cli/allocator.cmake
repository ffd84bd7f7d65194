# The simulator allocates and frees many small objects (rows, messages, trace fields, json
# nodes); glibc's malloc spends about a fifth of a busy run on them, jemalloc about a third less
# (mall.day_cpu_s_per_seed 1.6 -> 1.4 s). Allocation addresses never reach the simulation's
# behaviour, so fingerprints are the same with either allocator. Optional: without the library
# (only the runtime package libjemalloc2 is needed) the binaries keep glibc's malloc; never
# under the sanitizers, which must intercept malloc themselves.
find_library(MALLSIM_JEMALLOC NAMES jemalloc libjemalloc.so.2)
function(mallsim_use_fast_allocator target)
  if(MALLSIM_JEMALLOC AND NOT MALLSIM_SANITIZE)
    target_link_libraries(${target} PRIVATE ${MALLSIM_JEMALLOC})
  endif()
endfunction()
