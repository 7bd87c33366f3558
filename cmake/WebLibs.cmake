# The web map's assets, embedded in the library at build time: Leaflet (pinned, fetched from npm
# into the git-ignored .cache/web/ by tools/fetch-web-libs; nothing of it is committed) and the
# page's own template, script and style (src/webmap/page/). A generated source file holds them as
# byte arrays; src/webmap/assets.hpp names them.
set(SCICOV_WEB_CACHE ${PROJECT_SOURCE_DIR}/.cache/web CACHE PATH "Where tools/fetch-web-libs puts Leaflet")
set(SCICOV_LEAFLET_FILES ${SCICOV_WEB_CACHE}/leaflet/dist/leaflet.js ${SCICOV_WEB_CACHE}/leaflet/dist/leaflet.css)
add_custom_command(
  OUTPUT ${SCICOV_LEAFLET_FILES}
  COMMAND ${PROJECT_SOURCE_DIR}/tools/fetch-web-libs ${SCICOV_WEB_CACHE}
  DEPENDS ${PROJECT_SOURCE_DIR}/tools/fetch-web-libs
  COMMENT "Fetching leaflet from npm into ${SCICOV_WEB_CACHE}"
  VERBATIM)

file(GLOB SCICOV_WEBMAP_PAGE_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/webmap/page/*)
set(SCICOV_WEB_ASSETS ${SCICOV_LEAFLET_FILES} ${SCICOV_WEBMAP_PAGE_FILES})
set(SCICOV_WEB_ASSETS_CPP ${CMAKE_CURRENT_BINARY_DIR}/generated/webmap_assets.cpp)
add_custom_command(
  OUTPUT ${SCICOV_WEB_ASSETS_CPP}
  COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${SCICOV_WEB_ASSETS_CPP}" "-DFILES=${SCICOV_WEB_ASSETS}"
          -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
  DEPENDS ${SCICOV_WEB_ASSETS} ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake ${PROJECT_SOURCE_DIR}/cmake/BytesLiteral.cmake
  COMMENT "Embedding the web map's assets"
  VERBATIM)
target_sources(scicov PRIVATE ${SCICOV_WEB_ASSETS_CPP})
