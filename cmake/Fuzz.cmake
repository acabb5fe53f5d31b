# The libFuzzer configuration (option SLIPWAY_FUZZ, build folder build-fuzz,
# driven by tests/fuzz/run.sh): only the libraries the harnesses need, every
# object instrumented for libFuzzer's coverage and checked by ASan + UBSan.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "SLIPWAY_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++-16")
endif()

# libstdc++ 12 declares std::expected only when __cpp_concepts >= 202002L;
# clang 16 implements what <expected> needs (conditionally trivial special
# members, P0848) but still announces 201907L (clang 14 lacks P0848 and cannot
# build slipway at all). Announce the C++20 value until clang does.
if(CMAKE_CXX_COMPILER_VERSION VERSION_LESS 19)
  add_compile_options(-D__cpp_concepts=202002L -Wno-macro-redefined)
endif()

add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                    -fno-omit-frame-pointer)
add_link_options(-fsanitize=address,undefined)
