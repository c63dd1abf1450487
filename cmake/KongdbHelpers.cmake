# kongdb_add_library(NAME SOURCES ... DEPS ...): one static library per layer. Every one is
# installed and exported as kongdb::<NAME without kongdb_> (see cmake/KongdbInstall.cmake).
function(kongdb_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  string(REGEX REPLACE "^kongdb_" "" export_name ${name})
  set_target_properties(${name} PROPERTIES EXPORT_NAME ${export_name})
  set_property(GLOBAL APPEND PROPERTY KONGDB_LIBRARIES ${name})
endfunction()

# kongdb_add_test(NAME SOURCES ... DEPS ... [SERIAL gtest-filter]): a GoogleTest binary
# registered with ctest. Tests matching SERIAL run alone (ctest RUN_SERIAL): they disturb
# shared servers, e.g. by restarting PostgreSQL.
function(kongdb_add_test name)
  cmake_parse_arguments(ARG "" "SERIAL" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${PROJECT_SOURCE_DIR}/test)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  if(ARG_SERIAL)
    gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST TEST_FILTER "-${ARG_SERIAL}")
    gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST TEST_FILTER "${ARG_SERIAL}"
                         PROPERTIES RUN_SERIAL TRUE)
  else()
    gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST)
  endif()
endfunction()
