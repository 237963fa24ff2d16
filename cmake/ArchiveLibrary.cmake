# The one helper for targets: archive_library(NAME x SRCS ... DEPS ... PRIVATE_DEPS ...) builds the
# static library archive_x with the alias archive::x. Headers are included as "common/x/foo.hpp" from the
# source root, so no target needs include_directories of its own.
function(archive_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(archive_${ARG_NAME} STATIC ${ARG_SRCS})
  add_library(archive::${ARG_NAME} ALIAS archive_${ARG_NAME})
  target_include_directories(archive_${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/generated)
  target_link_libraries(archive_${ARG_NAME} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# archive_binary(NAME x SRCS main.cpp DEPS ...): an executable whose main() only wires.
function(archive_binary)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS})
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
endfunction()

# archive_test(SRC foo_pgtest.cpp DEPS ...): one GoogleTest binary per file. The file name says what the test
# needs (style.md rule 12): *_pgtest gets the label pg, *_kafkatest the label kafka, tests/e2e gets e2e, and
# anything else is a plain unit test. Tests that touch the shared servers' lifecycle pass SERIAL.
function(archive_test)
  cmake_parse_arguments(ARG "SERIAL" "SRC;TIMEOUT" "DEPS" ${ARGN})
  get_filename_component(name ${ARG_SRC} NAME_WE)
  add_executable(${name} ${ARG_SRC})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} archive::testing GTest::gmock_main)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
  set(labels unit)
  if(name MATCHES "_pgtest$")
    set(labels pg)
  elseif(name MATCHES "_kafkatest$")
    set(labels kafka)
  endif()
  if(CMAKE_CURRENT_SOURCE_DIR MATCHES "/e2e$")
    list(APPEND labels e2e)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${labels}" TIMEOUT ${ARG_TIMEOUT})
  if(ARG_SERIAL)
    set_tests_properties(${name} PROPERTIES RUN_SERIAL TRUE)
  endif()
endfunction()

# archive_embed(TARGET name DIR dir GLOB pattern): compiles the text files under dir into a generated
# source that maps each relative path to its contents, so SQL and JSON Schema stay in their own files
# yet ship inside the binaries.
function(archive_embed)
  cmake_parse_arguments(ARG "" "NAME;DIR;GLOB" "" ${ARGN})
  file(GLOB_RECURSE files CONFIGURE_DEPENDS RELATIVE ${ARG_DIR} ${ARG_DIR}/${ARG_GLOB})
  list(SORT files)
  # Re-run the configure step when an embedded file's content changes, not only when files come or go.
  list(TRANSFORM files PREPEND ${ARG_DIR}/ OUTPUT_VARIABLE paths)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${paths})
  set(entries "")
  foreach(f ${files})
    file(READ ${ARG_DIR}/${f} content)
    string(FIND "${content}" ")embed\"" clash)
    if(NOT clash EQUAL -1)
      message(FATAL_ERROR "${ARG_DIR}/${f} contains the raw-string terminator )embed\"")
    endif()
    string(APPEND entries "    {\"${f}\", R\"embed(${content})embed\"},\n")
  endforeach()
  set(out ${PROJECT_BINARY_DIR}/generated/embedded_${ARG_NAME}.cpp)
  file(CONFIGURE OUTPUT ${out} CONTENT
"#include <map>\n#include <string>\n#include <string_view>\n\nnamespace archive::embedded {\n\nconst std::map<std::string, std::string_view, std::less<>>& ${ARG_NAME}() {\n  static const std::map<std::string, std::string_view, std::less<>> files{\n${entries}  };\n  return files;\n}\n\n}  // namespace archive::embedded\n")
  set(ARCHIVE_EMBED_${ARG_NAME} ${out} PARENT_SCOPE)
endfunction()
