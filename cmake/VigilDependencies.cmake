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
# The console: Widgets, Charts (manifest-age graphs), Multimedia (confidence
# monitors) and Linguist (translations compiled at build time).
if(VIGIL_BUILD_UI)
  find_package(Qt6 6.4 REQUIRED COMPONENTS Widgets Charts Multimedia MultimediaWidgets LinguistTools)
endif()

# libsrt as the imported target SRT::srt. One libsrt per process: Debian's
# libavformat links the GnuTLS flavour (libsrt-gnutls.so.1.5), and a second
# copy (the OpenSSL flavour) beside it shares libsrt's globals under the same
# symbols and crashed at exit. So the dev package is libsrt-gnutls-dev, whose
# srt.pc names that very library.
if(NOT TARGET SRT::srt)
  pkg_check_modules(SRT REQUIRED IMPORTED_TARGET GLOBAL srt)
  add_library(SRT::srt ALIAS PkgConfig::SRT)
endif()

# liburing as uring::uring: the origin hands the replies a publication
# releases on one IO thread to the kernel in one io_uring submission
# (origin/batched_send.h). liburing is the kernel developers' own library
# for io_uring; Asio 1.74 has no io_uring backend.
if(NOT TARGET uring::uring)
  pkg_check_modules(LIBURING REQUIRED IMPORTED_TARGET GLOBAL liburing)
  add_library(uring::uring ALIAS PkgConfig::LIBURING)
endif()
