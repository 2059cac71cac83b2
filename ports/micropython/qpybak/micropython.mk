# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
#
# The qpybak module for MicroPython's make-based ports (unix, stm32, ...):
#   make USER_C_MODULES=<qpybak>/ports/micropython ...
# MicroPython reads every <dir>/micropython.mk under USER_C_MODULES; this
# one is ports/micropython/qpybak/ (not ports/micropython/ itself: make puts
# a module's objects in BUILD/<its folder>/, and the unix port's program is
# BUILD/micropython).  Options, as make variables (the same as the
# CMake options and the Zephyr/ESP-IDF Kconfig, see docs/porting.md):
#   QPYBAK_CRC_TABLE=1|8|braid   the CRC backend (1 KiB table by default)
#   QPYBAK_NO_FOTA=1             no FOTA apply, no journal roll-forward
#   QPYBAK_NO_REPORT=1           no boot report (/usr/.qpybak/boot.json)
#   QPYBAK_NAME_MAX=N            the longest device path (default 255)
#   QPYBAK_MP_BUFFER_SIZE=N      the module's work buffer (default 4096)
QPYBAK_MP_DIR := $(USERMOD_DIR)
QPYBAK_ROOT := $(abspath $(QPYBAK_MP_DIR)/../../..)
QPYBAK_CRC_TABLE ?= 1

# The module: scanned for qstrs.
SRC_USERMOD_C += $(QPYBAK_MP_DIR)/modqpybak.c \
	$(QPYBAK_MP_DIR)/qpybak_mp_vfs.c \
	$(QPYBAK_MP_DIR)/qpybak_mp_result.c

# The core, as the top-level CMakeLists.txt lists it: src/*.c, the CRC
# dispatcher and the 1 KiB table, plus the chosen backend.
SRC_USERMOD_LIB_C += $(sort $(wildcard $(QPYBAK_ROOT)/src/*.c)) \
	$(QPYBAK_ROOT)/src/crc/crc32.c \
	$(QPYBAK_ROOT)/src/crc/crc32_table1.c
ifeq ($(QPYBAK_CRC_TABLE),8)
SRC_USERMOD_LIB_C += $(QPYBAK_ROOT)/src/crc/crc32_slice8.c
CFLAGS_USERMOD += -DQPYBAK_CRC_BACKEND=qpybak_crc32_slice8
else ifeq ($(QPYBAK_CRC_TABLE),braid)
SRC_USERMOD_LIB_C += $(QPYBAK_ROOT)/src/crc/crc32_braid.c
CFLAGS_USERMOD += -DQPYBAK_CRC_BACKEND=qpybak_crc32_braid
else ifneq ($(QPYBAK_CRC_TABLE),1)
$(error QPYBAK_CRC_TABLE must be 1, 8 or braid, not '$(QPYBAK_CRC_TABLE)')
endif
ifeq ($(QPYBAK_NO_FOTA),1)
CFLAGS_USERMOD += -DQPYBAK_NO_FOTA
endif
ifeq ($(QPYBAK_NO_REPORT),1)
CFLAGS_USERMOD += -DQPYBAK_NO_REPORT
endif
ifneq ($(QPYBAK_NAME_MAX),)
CFLAGS_USERMOD += -DQPYBAK_NAME_MAX_DEFAULT=$(QPYBAK_NAME_MAX)
endif
ifneq ($(QPYBAK_MP_BUFFER_SIZE),)
CFLAGS_USERMOD += -DQPYBAK_MP_BUFFER_SIZE=$(QPYBAK_MP_BUFFER_SIZE)
endif

CFLAGS_USERMOD += -I$(QPYBAK_ROOT)/include -I$(QPYBAK_MP_DIR)
