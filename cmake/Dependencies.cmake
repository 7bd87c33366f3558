# One place that finds every third-party library and says why it is there.
include(FeatureSummary)
find_package(PkgConfig REQUIRED)

find_package(GDAL 3.6 CONFIG REQUIRED)
set_package_properties(GDAL PROPERTIES PURPOSE "read any OGR source, write the GeoPackage")
find_package(GEOS 3.11 CONFIG REQUIRED)
set_package_properties(GEOS PROPERTIES PURPOSE "make-valid, Voronoi, clipping, union (reentrant C API)")
find_package(PROJ 9 CONFIG REQUIRED)
set_package_properties(PROJ PROPERTIES PURPOSE "CGCS2000 Gauss-Krueger zones per county")
find_package(Boost 1.74 REQUIRED)
set_package_properties(Boost PROPERTIES PURPOSE "Boost.Geometry R-tree for coverage queries")
find_package(tomlplusplus 3 CONFIG REQUIRED)
set_package_properties(tomlplusplus PROPERTIES PURPOSE "the rules file")
find_package(CLI11 2 CONFIG REQUIRED)
set_package_properties(CLI11 PROPERTIES PURPOSE "command line")
pkg_check_modules(CBC REQUIRED IMPORTED_TARGET cbc)
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo)
find_package(Threads REQUIRED)
# The program's allocator: gperftools' tcmalloc (Debian libgoogle-perftools-dev). GEOS's overlays
# make and free millions of small objects; with it a 10-city analysis takes 4.40 s instead of 4.69
# (docs/benchmarks.md).
# Linked into the scicov executable only: an allocator belongs to the program, not to the library
# or the Python module, and never with the sanitizers, which bring their own.
option(SCICOV_TCMALLOC "Link the scicov executable with tcmalloc_minimal when it is installed" ON)
if(SCICOV_TCMALLOC AND NOT SCICOV_SANITIZE AND NOT SCICOV_FUZZ)
  pkg_check_modules(TCMALLOC IMPORTED_TARGET libtcmalloc_minimal)
  if(NOT TCMALLOC_FOUND)
    message(STATUS "tcmalloc_minimal not found: the scicov executable uses glibc's malloc "
                   "(tools/install-deps installs libgoogle-perftools-dev)")
  endif()
endif()
if(SCICOV_BUILD_TESTS)
  find_package(Catch2 2 CONFIG REQUIRED)
  set_package_properties(Catch2 PROPERTIES PURPOSE "unit tests")
endif()
feature_summary(WHAT PACKAGES_FOUND PACKAGES_NOT_FOUND)
