# `cmake --install`: the scicov command, the static library, its public headers and a CMake
# package, so that a program elsewhere builds with
#   find_package(scicov 0.1 REQUIRED)
#   target_link_libraries(app PRIVATE scicov::scicov)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SCICOV_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/scicov)

install(TARGETS scicov_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS scicov EXPORT scicovTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT scicovTargets NAMESPACE scicov:: DESTINATION ${SCICOV_INSTALL_CMAKEDIR})

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/scicovConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/scicovConfig.cmake
                              INSTALL_DESTINATION ${SCICOV_INSTALL_CMAKEDIR})
# 0.x: a minor release may change the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/scicovConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/scicovConfig.cmake ${PROJECT_BINARY_DIR}/scicovConfigVersion.cmake
        DESTINATION ${SCICOV_INSTALL_CMAKEDIR})
