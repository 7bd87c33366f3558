# The "install: consumer" test: installs this build into an empty prefix, then configures, builds
# and runs tests/install/consumer against that prefix alone. Fails when the package is broken: a
# header or dependency missing from the install, a path into the source or build tree, a
# version mismatch, a link error, or a wrong analysis.
# Variables: BUILD_DIR, SOURCE_DIR, WORK_DIR, GENERATOR, CXX_COMPILER, BUILD_TYPE, DATASET,
# COUNTY, VILLAGES, TYPE, COVERED.
cmake_minimum_required(VERSION 3.25)

foreach(var BUILD_DIR SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER DATASET COUNTY VILLAGES TYPE COVERED)
  if(NOT ${var})
    message(FATAL_ERROR "install test: -D${var}=... is missing")
  endif()
endforeach()

set(prefix ${WORK_DIR}/prefix)
set(consumer_build ${WORK_DIR}/consumer)
file(REMOVE_RECURSE ${WORK_DIR})

function(step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    string(JOIN " " command ${ARGN})
    message(FATAL_ERROR "install test: `${command}` failed (${result})")
  endif()
endfunction()

step(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

foreach(file bin/scicov include/scicov/analysis.hpp lib/libscicov.a lib/cmake/scicov/scicovConfig.cmake
             lib/cmake/scicov/scicovConfigVersion.cmake lib/cmake/scicov/scicovTargets.cmake)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "install test: ${file} is not installed")
  endif()
endforeach()
# The package must stand alone: no include directory or file of the tree it was built in.
file(GLOB package_files ${prefix}/lib/cmake/scicov/*.cmake)
foreach(file ${package_files})
  file(READ ${file} text)
  foreach(tree ${SOURCE_DIR} ${BUILD_DIR})
    string(FIND "${text}" "${tree}/" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "install test: ${file} refers to ${tree}")
    endif()
  endforeach()
endforeach()

# Only the prefix: no package registry, so a stray build tree cannot stand in for the install.
step(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install/consumer -B ${consumer_build} -G ${GENERATOR}
     -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_BUILD_TYPE=${BUILD_TYPE} -DCMAKE_PREFIX_PATH=${prefix}
     -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -Wno-dev)
step(${CMAKE_COMMAND} --build ${consumer_build})
step(${consumer_build}/consumer ${DATASET} ${COUNTY} ${VILLAGES} ${TYPE} ${COVERED})
