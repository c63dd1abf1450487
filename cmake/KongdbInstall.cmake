# `cmake --install` puts the public headers, the layer libraries, the kongdb binary and a CMake
# package in place, so another project does:
#   find_package(kongdb 0.1 REQUIRED)
#   target_link_libraries(app PRIVATE kongdb::kongdb)
include(CMakePackageConfigHelpers)

get_property(KONGDB_LIBRARIES GLOBAL PROPERTY KONGDB_LIBRARIES)

# kongdb::kongdb: every layer library (the executable already owns the name `kongdb`).
add_library(kongdb_umbrella INTERFACE)
target_link_libraries(kongdb_umbrella INTERFACE ${KONGDB_LIBRARIES})
set_target_properties(kongdb_umbrella PROPERTIES EXPORT_NAME kongdb)
add_library(kongdb::kongdb ALIAS kongdb_umbrella)
if(KONGDB_SANITIZE)
  # The libraries are instrumented: programs linking them need the sanitizer runtimes.
  target_compile_options(kongdb_umbrella INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(kongdb_umbrella INTERFACE -fsanitize=address,undefined)
endif()

# Everything `cmake --install` copies, so a test can build it first.
add_custom_target(kongdb_installable)
add_dependencies(kongdb_installable kongdb ${KONGDB_LIBRARIES})

set(KONGDB_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/kongdb)
install(TARGETS ${KONGDB_LIBRARIES} kongdb_umbrella EXPORT kongdbTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS kongdb RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/kongdb DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT kongdbTargets NAMESPACE kongdb:: DESTINATION ${KONGDB_CMAKE_DIR})
configure_package_config_file(cmake/kongdbConfig.cmake.in ${PROJECT_BINARY_DIR}/kongdbConfig.cmake
                              INSTALL_DESTINATION ${KONGDB_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/kongdbConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/kongdbConfig.cmake ${PROJECT_BINARY_DIR}/kongdbConfigVersion.cmake
        DESTINATION ${KONGDB_CMAKE_DIR})
