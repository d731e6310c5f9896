# Warnings for Vigil's own targets (third-party headers are included as SYSTEM).
add_library(vigil_warnings INTERFACE)
target_compile_options(vigil_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor)
if(VIGIL_WERROR)
  target_compile_options(vigil_warnings INTERFACE -Werror)
endif()
add_library(Vigil::warnings ALIAS vigil_warnings)

# vigil_module(<name> SOURCES ... DEPS ...): one static library per engine stage,
# aliased Vigil::<name>, include root engine/.
function(vigil_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(vigil_${name} STATIC ${M_SOURCES})
  add_library(Vigil::${name} ALIAS vigil_${name})
  target_include_directories(vigil_${name} PUBLIC ${PROJECT_SOURCE_DIR}/engine)
  target_link_libraries(vigil_${name} PUBLIC ${M_DEPS} PRIVATE Vigil::warnings)
endfunction()
