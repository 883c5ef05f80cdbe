# SPDX-License-Identifier: Apache-2.0
# Helpers: one static library per component, unit tests beside the code, proto generation.

# alluxio_library(NAME SRCS a.cc b.cc DEPS x y PUBLIC_DEPS z)
# Builds a static library `alluxio_<NAME>`; includes start at src/.
function(alluxio_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;PUBLIC_DEPS" ${ARGN})
  add_library(alluxio_${name} STATIC ${ARG_SRCS})
  target_include_directories(alluxio_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(alluxio_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_DEPS})
endfunction()

# alluxio_executable_allocator(TARGET): links a program (daemon, CLI, benchmark) with tcmalloc
# when the build uses it (README, "Dependencies").
function(alluxio_executable_allocator target)
  if(TARGET PkgConfig::TCMALLOC)
    target_link_libraries(${target} PRIVATE PkgConfig::TCMALLOC)
  endif()
endfunction()

# Environment of every test: sanitizer builds suppress known third-party leaks.
set(ALLUXIO_TEST_ENV "ALLUXIO_TEST=1")
if(ALLUXIO_SANITIZE)
  set(ALLUXIO_TEST_ENV
      "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/sanitizers/lsan.supp:print_suppressions=0")
endif()

# alluxio_test(NAME SRCS a_test.cc DEPS x LABEL unit|integration|system [TIMEOUT s])
# Builds one GoogleTest binary and registers each test case with CTest.
function(alluxio_test name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SRCS;DEPS" ${ARGN})
  if(NOT ALLUXIO_BUILD_TESTS)
    return()
  endif()
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_executable(${name} ${ARG_SRCS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    ALLUXIO_SOURCE_DIR="${PROJECT_SOURCE_DIR}" ALLUXIO_BINARY_DIR="${PROJECT_BINARY_DIR}")
  include(GoogleTest)
  gtest_discover_tests(${name}
    PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT} ENVIRONMENT "${ALLUXIO_TEST_ENV}"
    DISCOVERY_TIMEOUT 60)
endfunction()
