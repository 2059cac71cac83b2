# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
#
# The qpybak module for MicroPython's CMake-based ports (esp32, rp2):
#   make USER_C_MODULES=<qpybak>/ports/micropython/qpybak/micropython.cmake
# (or include() it from the ports' own micropython.cmake list).  Options, as
# CMake variables, the same as micropython.mk's: QPYBAK_CRC_TABLE (1, 8,
# braid), QPYBAK_NO_FOTA, QPYBAK_NO_REPORT, QPYBAK_NAME_MAX,
# QPYBAK_MP_BUFFER_SIZE.
set(_qpybak_mp ${CMAKE_CURRENT_LIST_DIR})
get_filename_component(_qpybak_root ${_qpybak_mp}/../../.. ABSOLUTE)
if(NOT DEFINED QPYBAK_CRC_TABLE)
  set(QPYBAK_CRC_TABLE 1)
endif()

# The core, as the top-level CMakeLists.txt lists it: src/*.c, the CRC
# dispatcher and the 1 KiB table, plus the chosen backend.
file(GLOB _qpybak_core ${_qpybak_root}/src/*.c)
list(SORT _qpybak_core)
list(APPEND _qpybak_core ${_qpybak_root}/src/crc/crc32.c ${_qpybak_root}/src/crc/crc32_table1.c)
set(_qpybak_defs)
if(QPYBAK_CRC_TABLE STREQUAL "8")
  list(APPEND _qpybak_core ${_qpybak_root}/src/crc/crc32_slice8.c)
  list(APPEND _qpybak_defs QPYBAK_CRC_BACKEND=qpybak_crc32_slice8)
elseif(QPYBAK_CRC_TABLE STREQUAL "braid")
  list(APPEND _qpybak_core ${_qpybak_root}/src/crc/crc32_braid.c)
  list(APPEND _qpybak_defs QPYBAK_CRC_BACKEND=qpybak_crc32_braid)
elseif(NOT QPYBAK_CRC_TABLE STREQUAL "1")
  message(FATAL_ERROR "QPYBAK_CRC_TABLE must be 1, 8 or braid, not '${QPYBAK_CRC_TABLE}'")
endif()
if(QPYBAK_NO_FOTA)
  list(APPEND _qpybak_defs QPYBAK_NO_FOTA)
endif()
if(QPYBAK_NO_REPORT)
  list(APPEND _qpybak_defs QPYBAK_NO_REPORT)
endif()
if(QPYBAK_NAME_MAX)
  list(APPEND _qpybak_defs QPYBAK_NAME_MAX_DEFAULT=${QPYBAK_NAME_MAX})
endif()
if(QPYBAK_MP_BUFFER_SIZE)
  list(APPEND _qpybak_defs QPYBAK_MP_BUFFER_SIZE=${QPYBAK_MP_BUFFER_SIZE})
endif()

add_library(usermod_qpybak INTERFACE)
target_sources(usermod_qpybak INTERFACE
  ${_qpybak_mp}/modqpybak.c
  ${_qpybak_mp}/qpybak_mp_vfs.c
  ${_qpybak_mp}/qpybak_mp_result.c
  ${_qpybak_core})
target_include_directories(usermod_qpybak INTERFACE ${_qpybak_root}/include ${_qpybak_mp})
target_compile_definitions(usermod_qpybak INTERFACE ${_qpybak_defs})
target_link_libraries(usermod INTERFACE usermod_qpybak)
