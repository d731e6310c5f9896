# Every dependency comes from a Debian 12 package and is found here, once,
# as an imported target. Nothing is vendored.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

# FFmpeg libraries as imported targets FFmpeg::<lib>.
foreach(lib avformat avcodec avfilter avutil swscale swresample)
  if(NOT TARGET FFmpeg::${lib})
    pkg_check_modules(FFMPEG_${lib} REQUIRED IMPORTED_TARGET GLOBAL lib${lib})
    add_library(FFmpeg::${lib} ALIAS PkgConfig::FFMPEG_${lib})
  endif()
endforeach()

find_package(spdlog 1.10 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)

if(VIGIL_BUILD_TESTS OR VIGIL_BUILD_UI)
  find_package(Qt6 6.4 REQUIRED COMPONENTS Core Test)
endif()

# libsrt (Debian: libsrt-openssl-dev) as the imported target SRT::srt, with
# one rule: a process holds one libsrt. Debian's libavformat links the GnuTLS
# flavour (libsrt-gnutls.so.1.5); loading the OpenSSL flavour beside it gives
# two copies of libsrt's globals under one set of interposed symbols, which
# crashed at exit here. So link the flavour libavformat links (same 1.5.x
# API as the headers), unless VIGIL_SRT_LIBRARY names one.
if(NOT TARGET SRT::srt)
  pkg_check_modules(SRT REQUIRED IMPORTED_TARGET GLOBAL srt)
  set(VIGIL_SRT_LIBRARY "" CACHE FILEPATH "libsrt to link (default: the one libavformat links)")
  set(_vigil_srt ${VIGIL_SRT_LIBRARY})
  if(NOT _vigil_srt)
    find_library(_vigil_avformat NAMES avformat HINTS ${FFMPEG_avformat_LIBRARY_DIRS})
    execute_process(COMMAND ${CMAKE_OBJDUMP} -p ${_vigil_avformat} OUTPUT_VARIABLE _vigil_avformat_dyn ERROR_QUIET)
    if(_vigil_avformat_dyn MATCHES "NEEDED +(libsrt[-a-z]*\\.so[.0-9]*)")
      find_library(_vigil_srt_flavour NAMES ${CMAKE_MATCH_1} HINTS ${SRT_LIBRARY_DIRS})
      set(_vigil_srt ${_vigil_srt_flavour})
    endif()
  endif()
  if(_vigil_srt)
    message(STATUS "libsrt: ${_vigil_srt} (one libsrt per process: the one libavformat links)")
    add_library(vigil_srt INTERFACE IMPORTED GLOBAL)
    target_include_directories(vigil_srt INTERFACE ${SRT_INCLUDE_DIRS})
    target_link_libraries(vigil_srt INTERFACE ${_vigil_srt})
    add_library(SRT::srt ALIAS vigil_srt)
  else()
    add_library(SRT::srt ALIAS PkgConfig::SRT)
  endif()
endif()
