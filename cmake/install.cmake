# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Install rules (included from the top-level CMakeLists.txt when
# QPYBAK_INSTALL is on, the default for a top-level build).
#
# What goes where, with the GNUInstallDirs defaults of a Debian host and
# CMAKE_INSTALL_PREFIX=/usr (README.md, "Install"):
#   include/qpybak*.h (every header of include/), qpybak_posix.h
#   lib/<multiarch>/libqpybak.a, libqpybak_posix.a     (or .so.VERSION + links)
#   lib/<multiarch>/cmake/qpybak/                       find_package(qpybak)
#   lib/<multiarch>/pkgconfig/qpybak.pc, qpybak-posix.pc
#   bin/qpybak, share/man/man1/qpybak.1
#   share/bash-completion/completions/qpybak
#   share/doc/qpybak/                                   LICENSE, README, CHANGELOG
#   lib/systemd/system/qpybak-boot.service              shipped disabled
#   lib/systemd/system-preset/90-qpybak.preset          "disable qpybak-boot.service"
#   lib/systemd/system-generators/qpybak-boot-generator mounts from /etc/default/qpybak
#   /etc/default/qpybak, /etc/init.d/qpybak-boot        (SYSCONFDIR: /etc for /usr)
#
# Components: Runtime (command, shared libraries, man page, completion,
# docs), Development (headers, static libraries, CMake package, .pc files),
# Service (systemd unit, preset, generator, SysV script, /etc/default/qpybak).
include(CMakePackageConfigHelpers)

set(QPYBAK_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/qpybak CACHE STRING
    "Where qpybakConfig.cmake goes, relative to the prefix")
set(QPYBAK_INSTALL_PKGCONFIGDIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig CACHE STRING
    "Where qpybak.pc goes, relative to the prefix")
set(QPYBAK_INSTALL_BASHCOMPDIR ${CMAKE_INSTALL_DATADIR}/bash-completion/completions CACHE STRING
    "Where the bash completion goes, relative to the prefix")
set(QPYBAK_INSTALL_SYSTEMDDIR lib/systemd CACHE STRING
    "systemd's directory (system/, system-preset/, system-generators/), relative to the prefix")
option(QPYBAK_INSTALL_SYSTEMD "Install qpybak-boot.service (disabled), its preset and generator" ON)
option(QPYBAK_INSTALL_SYSVINIT "Install the BusyBox/SysV script /etc/init.d/qpybak-boot (not linked into any runlevel)" ON)
# The device's two partitions, as the boot service finds them by default.
# /etc/default/qpybak overrides them at run time; the generator then makes
# the unit require those mounts instead.
set(QPYBAK_SERVICE_USR_DIR /data/qpybak/usr CACHE PATH
    "Boot service: where the user partition (the device's /usr) is mounted")
set(QPYBAK_SERVICE_BAK_DIR /data/qpybak/bak CACHE PATH
    "Boot service: where the backup partition (the device's /bak) is mounted")

# --- the libraries, headers and the CMake package --------------------------------
# Every header of include/ is public (qpybak.h, the integrator's manual, and
# the building blocks for host tools next to it).
file(GLOB _qpybak_headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/*.h)
if(TARGET qpybak_posix)
  list(APPEND _qpybak_headers ${PROJECT_SOURCE_DIR}/ports/posix/qpybak_posix.h)
endif()
set(_qpybak_install_targets ${_qpybak_targets})
if(TARGET qpybak_cli)
  list(APPEND _qpybak_install_targets qpybak_cli)
endif()
install(TARGETS ${_qpybak_install_targets} EXPORT qpybakTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Development
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Runtime
                NAMELINK_COMPONENT Development
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT Runtime)
install(FILES ${_qpybak_headers} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT Development)
install(EXPORT qpybakTargets NAMESPACE qpybak:: DESTINATION ${QPYBAK_INSTALL_CMAKEDIR}
        COMPONENT Development)

set(QPYBAK_PACKAGE_USES_ISAL ${QPYBAK_USE_ISAL})
if(BUILD_SHARED_LIBS)
  set(QPYBAK_LIBRARY_KIND "shared (SONAME libqpybak.so.${QPYBAK_SOVERSION})")
else()
  set(QPYBAK_LIBRARY_KIND "static")
endif()
if(_compat STREQUAL "SameMinorVersion")
  set(QPYBAK_VERSION_COMPAT_TEXT
      "${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}.x up to ${PROJECT_VERSION}")
else()
  set(QPYBAK_VERSION_COMPAT_TEXT "${PROJECT_VERSION_MAJOR}.x up to ${PROJECT_VERSION}")
endif()
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/qpybakConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/qpybakConfig.cmake
                              INSTALL_DESTINATION ${QPYBAK_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/qpybakConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY ${_compat})
install(FILES ${PROJECT_BINARY_DIR}/qpybakConfig.cmake ${PROJECT_BINARY_DIR}/qpybakConfigVersion.cmake
        DESTINATION ${QPYBAK_INSTALL_CMAKEDIR} COMPONENT Development)

# --- pkg-config ------------------------------------------------------------------------
# Paths relative to ${prefix} when they are below it, so that
# PKG_CONFIG_SYSROOT_DIR and a moved prefix both work.
foreach(_d LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${_d}}")
    set(QPYBAK_PC_${_d} "${CMAKE_INSTALL_${_d}}")
  else()
    set(QPYBAK_PC_${_d} "\${prefix}/${CMAKE_INSTALL_${_d}}")
  endif()
endforeach()
if(QPYBAK_USE_ISAL)
  set(QPYBAK_PC_LIBS_PRIVATE "-lisal")
else()
  set(QPYBAK_PC_LIBS_PRIVATE "")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/qpybak.pc.in ${PROJECT_BINARY_DIR}/qpybak.pc @ONLY)
set(_qpybak_pc ${PROJECT_BINARY_DIR}/qpybak.pc)
if(TARGET qpybak_posix)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/qpybak-posix.pc.in ${PROJECT_BINARY_DIR}/qpybak-posix.pc @ONLY)
  list(APPEND _qpybak_pc ${PROJECT_BINARY_DIR}/qpybak-posix.pc)
endif()
install(FILES ${_qpybak_pc} DESTINATION ${QPYBAK_INSTALL_PKGCONFIGDIR} COMPONENT Development)

install(FILES ${PROJECT_SOURCE_DIR}/LICENSE ${PROJECT_SOURCE_DIR}/README.md
              ${PROJECT_SOURCE_DIR}/CHANGELOG.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT Runtime)

# --- the command: man page, completion, boot service ----------------------------
if(TARGET qpybak_cli)
  # Paths the man page and the service files name, as installed.
  set(QPYBAK_BINDIR_FULL ${CMAKE_INSTALL_FULL_BINDIR})
  set(QPYBAK_SYSCONFDIR_FULL ${CMAKE_INSTALL_FULL_SYSCONFDIR})
  if(IS_ABSOLUTE "${QPYBAK_INSTALL_SYSTEMDDIR}")
    set(QPYBAK_SYSTEMDDIR_FULL ${QPYBAK_INSTALL_SYSTEMDDIR})
  else()
    set(QPYBAK_SYSTEMDDIR_FULL ${CMAKE_INSTALL_PREFIX}/${QPYBAK_INSTALL_SYSTEMDDIR})
  endif()
  set(_pk ${PROJECT_SOURCE_DIR}/packaging)
  set(_out ${PROJECT_BINARY_DIR}/packaging)
  foreach(_f qpybak.1 qpybak-boot.service qpybak-boot.init qpybak-boot-generator qpybak.default)
    configure_file(${_pk}/${_f}.in ${_out}/${_f} @ONLY)
  endforeach()

  install(FILES ${_out}/qpybak.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT Runtime)
  install(FILES ${_pk}/qpybak.bash-completion DESTINATION ${QPYBAK_INSTALL_BASHCOMPDIR}
          RENAME qpybak COMPONENT Runtime)
  if(QPYBAK_INSTALL_SYSTEMD OR QPYBAK_INSTALL_SYSVINIT)
    install(FILES ${_out}/qpybak.default DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/default
            RENAME qpybak COMPONENT Service)
  endif()
  if(QPYBAK_INSTALL_SYSTEMD)
    install(FILES ${_out}/qpybak-boot.service DESTINATION ${QPYBAK_INSTALL_SYSTEMDDIR}/system
            COMPONENT Service)
    install(FILES ${_pk}/90-qpybak.preset DESTINATION ${QPYBAK_INSTALL_SYSTEMDDIR}/system-preset
            COMPONENT Service)
    install(PROGRAMS ${_out}/qpybak-boot-generator
            DESTINATION ${QPYBAK_INSTALL_SYSTEMDDIR}/system-generators COMPONENT Service)
  endif()
  if(QPYBAK_INSTALL_SYSVINIT)
    install(PROGRAMS ${_out}/qpybak-boot.init DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/init.d
            RENAME qpybak-boot COMPONENT Service)
  endif()
endif()
