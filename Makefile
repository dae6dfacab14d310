# ocirun -- GNU make build.
#
#   make              ./ocirun: static, stripped, musl (the product)
#   make dev          ./ocirun-dev: glibc, ASan + UBSan, for tests
#   make check        everything above + unit tests + helpers + build/ocirun-killpoints
#                     (the crash tests' fault-injection build), then test/run.sh
#   make check-dev    the whole integration suite with ./ocirun-dev (ASan + UBSan)
#   make bench        test/bench/run.sh (root): ocirun beside crun, runc and the
#                     bare syscalls, medians and paired ratios (RUNS=30)
#   make fuzz         libFuzzer with ASan + UBSan on the config, state.json and
#                     seccomp parsers, FUZZ_TIME seconds in total (default 60;
#                     see "fuzzing" below)
#   make demo         busybox container as an unprivileged user
#   make size         stripped size of ./ocirun with and without libseccomp
#   make install      $(DESTDIR)$(PREFIX)/bin/ocirun (+ the man page)
#   make clean        all that make built except the libseccomp build
#   make distclean    clean + build/ (libseccomp source, apt lists, library)
#
#   make ARCH=aarch64 build/aarch64/ocirun for a board (also armhf mipsel mips
#                     riscv64 x86_64), with the toolchain scripts/cross-toolchain.sh
#                     makes from Debian packages; or with the caller's toolchain:
#                     CROSS_COMPILE=aarch64-linux-musl- [CC=...] (Buildroot, Yocto)
#   make release      all six, and a table of their sizes
#   make check-cross  unit tests under qemu-user, containers in real kernels
#                     under qemu-system, for each target (test/cross/run.sh)
#
# Overridable: CC (dev, unit and seccomp_gen builds; in a cross build, the
# target compiler), MUSL_CC (ocirun and test helpers), CROSS_COMPILE,
# CFLAGS CPPFLAGS LDFLAGS LDLIBS (appended after ours), PREFIX DESTDIR,
# SECCOMP and LIBSECCOMP_DIR (see below).
# Missing Debian packages are installed by scripts/deps.sh on first use.

VERSION := 0.1.0
COMMIT  := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DESTDIR ?=

# Target architecture (uname -m names, and armhf).  Taken from the command
# line only: an ARCH in the environment often means something else (the
# kernel's ARCH=x86, dpkg's amd64).  The toolchain is one of:
#   native     ARCH is the host's (the default): ./ocirun with musl-gcc, and
#              everything below as it always was.
#   bootstrap  ARCH=<one of CROSS_ARCHES> other than the host's:
#              scripts/cross-toolchain.sh makes build/ARCH/toolchain/ (Debian's
#              cross gcc, Debian's musl for ARCH or musl built from Debian's
#              source, the kernel headers for ARCH); output in build/ARCH/.
#   external   the caller's musl cross toolchain, as Buildroot and Yocto pass
#              it: CROSS_COMPILE=<prefix> (CC defaults to $(CROSS_COMPILE)gcc,
#              a CC from the command line or environment wins), or ARCH=... with
#              CC=... on the command line.  No bootstrap, no package installs;
#              libseccomp from LIBSECCOMP_DIR (or SECCOMP=precompiled).  ARCH,
#              if not given, is the first word of $(CC) -dumpmachine.  Output
#              in build/ARCH/.
HOST_ARCH    := $(shell uname -m)
CROSS_ARCHES := x86_64 aarch64 armhf mipsel mips riscv64
ifneq ($(origin ARCH),command line)
  ARCH := $(HOST_ARCH)
endif
CROSS_COMPILE ?=
ifneq ($(CROSS_COMPILE),)
  TOOLCHAIN := external
  ifeq ($(filter command line environment environment override,$(origin CC)),)
    CC := $(CROSS_COMPILE)gcc
  endif
else ifneq ($(ARCH),$(HOST_ARCH))
  ifneq ($(filter command line,$(origin CC) $(origin MUSL_CC)),)
    TOOLCHAIN := external
    ifeq ($(origin MUSL_CC),command line)
      CC := $(MUSL_CC)
    endif
  else
    TOOLCHAIN := bootstrap
  endif
else
  TOOLCHAIN := native
endif

# musl target triples of the bootstrap toolchains (scripts/cross-toolchain.sh
# has the full table: Debian arch, gnu triple, where musl comes from).
musl_triple_x86_64  := x86_64-linux-musl
musl_triple_aarch64 := aarch64-linux-musl
musl_triple_armhf   := arm-linux-musleabihf
musl_triple_mipsel  := mipsel-linux-musl
musl_triple_mips    := mips-linux-musl
musl_triple_riscv64 := riscv64-linux-musl
gnu_triple_x86_64   := x86_64-linux-gnu
gnu_triple_aarch64  := aarch64-linux-gnu
gnu_triple_armhf    := arm-linux-gnueabihf
gnu_triple_mipsel   := mipsel-linux-gnu
gnu_triple_mips     := mips-linux-gnu
gnu_triple_riscv64  := riscv64-linux-gnu

ifeq ($(TOOLCHAIN),native)
  MUSL_CC ?= musl-gcc
  ifeq ($(origin CC),default)
    CC := gcc
  endif
  OUT      := build
  XOUT     := build/$(ARCH)
  TC_STAMP :=
else ifeq ($(TOOLCHAIN),bootstrap)
  ifeq ($(filter $(ARCH),$(CROSS_ARCHES)),)
    $(error ARCH=$(ARCH): not a known target ($(CROSS_ARCHES)); for another one, give your own toolchain with CROSS_COMPILE=... or CC=...)
  endif
  TC_DIR   := build/$(ARCH)/toolchain
  TC_STAMP := $(TC_DIR)/stamp
  MUSL_CC  := $(CURDIR)/$(TC_DIR)/bin/$(musl_triple_$(ARCH))-cc
  TC_AR    := $(gnu_triple_$(ARCH))-ar
  TC_RANLIB := $(gnu_triple_$(ARCH))-ranlib
  OUT      := build/$(ARCH)
  XOUT     := $(OUT)
else
  # external: the target compiler is CC; it must exist and target ARCH
  CC_MACHINE := $(shell $(CC) -dumpmachine 2>/dev/null)
  ifeq ($(CC_MACHINE),)
    $(error cannot run the target compiler CC='$(CC)' (CROSS_COMPILE='$(CROSS_COMPILE)'))
  endif
  ifneq ($(origin ARCH),command line)
    ARCH := $(firstword $(subst -, ,$(CC_MACHINE)))
  endif
  cc_arch_armhf := arm
  ifneq ($(firstword $(subst -, ,$(CC_MACHINE))),$(or $(cc_arch_$(ARCH)),$(ARCH)))
    $(error ARCH=$(ARCH), but CC='$(CC)' builds for $(CC_MACHINE))
  endif
  MUSL_CC  := $(CC)
  TC_STAMP :=
  TC_AR    := $(or $(filter-out ar,$(AR)),$(CROSS_COMPILE)ar)
  TC_RANLIB := $(or $(RANLIB),$(CROSS_COMPILE)ranlib)
  OUT      := build/$(ARCH)
  XOUT     := $(OUT)
endif

# Debian's musl-gcc specs use -nostdinc, which hides the Linux UAPI headers
# (<linux/seccomp.h>, <linux/capability.h>, ...).  build/khdr holds only
# symlinks to those directories; it is added with -isystem, which gcc
# searches after the musl include directory the specs put first, so musl's
# libc headers always win.  MULTIARCH is expanded only inside recipes, after
# the deps rule has made sure gcc exists.
# Cross builds need no build/khdr: the bootstrap toolchain has its own
# (build/ARCH/toolchain/khdr), an external one its sysroot's.
KHDR      := build/khdr
KHDR_DIRS := linux asm asm-generic mtd
ifeq ($(TOOLCHAIN),native)
  KHDR_LINKS := $(addprefix $(KHDR)/,$(KHDR_DIRS))
  KHDR_INC   := -isystem $(KHDR)
  KHDR_ABS   := -isystem $(CURDIR)/$(KHDR)
else
  KHDR_LINKS :=
  KHDR_INC   :=
  KHDR_ABS   :=
endif
MULTIARCH  = $(shell gcc -print-multiarch 2>/dev/null || echo $(HOST_ARCH)-linux-gnu)

JSMN_SRC := /usr/include/jsmn.h

# Seccomp.  SECCOMP=libseccomp (default): ./ocirun links a static musl
# libseccomp.a and compiles linux.seccomp itself.  SECCOMP=precompiled: no
# libseccomp at all; ocirun only loads filters compiled ahead of time by
# seccomp_gen.  The library is, in this order of preference:
#   LIBSECCOMP_DIR=<prefix>  a packager's musl libseccomp (Buildroot, Yocto,
#                            Alpine): <prefix>/include, <prefix>/lib/libseccomp.a
#   (default)                built once from Debian's libseccomp source package
#                            by scripts/libseccomp.sh into build/libseccomp/<arch>
# ocirun-dev, build/unit and seccomp_gen are glibc programs and link the
# system's libseccomp (libseccomp-dev, -lseccomp) instead.
SECCOMP        ?= libseccomp
LIBSECCOMP_DIR ?=
MUSL_TRIPLE    := $(or $(musl_triple_$(ARCH)),$(ARCH)-linux-musl)
ifeq ($(TOOLCHAIN),native)
  SC_BUILD_DIR := build/libseccomp/$(ARCH)
else
  SC_BUILD_DIR := $(OUT)/libseccomp
  ifeq ($(TOOLCHAIN),external)
    # built with the caller's compiler: not the bootstrap toolchain's library
    SC_BUILD_DIR := $(OUT)/libseccomp-external
    MUSL_TRIPLE  := $(CC_MACHINE)
  endif
endif
SC_PREFIX      := $(if $(LIBSECCOMP_DIR),$(LIBSECCOMP_DIR),$(SC_BUILD_DIR))
SC_LIB_A       := $(SC_PREFIX)/lib/libseccomp.a
ifeq ($(SECCOMP),libseccomp)
  SC_FLAGS := -DOCIRUN_SECCOMP=1 -I$(SC_PREFIX)/include
  SC_LIB   := $(SC_LIB_A)
else ifeq ($(SECCOMP),precompiled)
  SC_FLAGS := -DOCIRUN_SECCOMP=0
  SC_LIB   :=
else
  $(error SECCOMP=$(SECCOMP): use SECCOMP=libseccomp or SECCOMP=precompiled)
endif
SC_NONE_FLAGS := -DOCIRUN_SECCOMP=0
SC_HOST_FLAGS := -DOCIRUN_SECCOMP=1
SC_HOST_LIBS  := -lseccomp

STD      := -std=gnu11
WARN     := -Wall -Wextra
DEFS     := -DJSMN_STRICT -DJSMN_PARENT_LINKS \
            -DOCIRUN_VERSION='"$(VERSION)"' -DOCIRUN_COMMIT='"$(COMMIT)"'
SAN      := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer

# ocirun: static musl, size-optimised, unused sections dropped, stripped;
# no unwind tables (C without exceptions: .eh_frame would be 12 KB of
# nothing).
NO_UNWIND   := -fno-asynchronous-unwind-tables -fno-unwind-tables
REL_CFLAGS  := -static -Os $(STD) $(WARN) -ffunction-sections -fdata-sections $(NO_UNWIND)
REL_LDFLAGS := -s -Wl,--gc-sections
# test helpers: static musl, small, not stripped (they are debugged).
HLP_CFLAGS  := -static -Os $(STD) $(WARN)

UNIT_SRC    := $(wildcard test/unit.c)
UNIT_BIN    := $(if $(UNIT_SRC),build/unit)
HELPER_SRCS := $(wildcard test/helpers/*.c)
HELPERS     := $(patsubst test/helpers/%.c,build/helpers/%,$(HELPER_SRCS))
GEN_SRC     := $(wildcard seccomp_gen/seccomp_gen.c)
GEN_BIN     := $(if $(GEN_SRC),seccomp_gen/seccomp_gen)
# native: ./ocirun and build/; cross: everything in build/ARCH/
OCIRUN_BIN  := $(if $(filter native,$(TOOLCHAIN)),ocirun,$(OUT)/ocirun)
NOSC_BIN    := $(OUT)/ocirun-nolibseccomp
KP_BIN      := $(OUT)/ocirun-killpoints
UNSEALED_BIN := $(OUT)/ocirun-unsealed
BUILDINFO   := $(OUT)/buildinfo
# check-cross's programs for ARCH, built with the same musl toolchain as
# ocirun (native too: build/x86_64/): the unit tests, static and without
# sanitizers, for qemu-user; PID 1 and checker of the test VMs.
XUNIT_BIN   := $(XOUT)/unit
VMINIT_BIN  := $(XOUT)/vminit
ifneq ($(TOOLCHAIN),native)
  UNIT_BIN  := $(if $(UNIT_SRC),$(XUNIT_BIN))
endif

# The full compile commands, one place each; build/buildinfo records them so
# that a change of version, commit, compiler or flags rebuilds what it affects.
# $(1): seccomp flags, $(2): libseccomp.a or nothing, $(3): output.
REL_CMD    = $(strip $(MUSL_CC) $(REL_CFLAGS) $(DEFS) $(1) -I. $(KHDR_INC) \
             $(CPPFLAGS) $(CFLAGS) $(REL_LDFLAGS) $(LDFLAGS) runtime.c $(2) -o $(3) $(LDLIBS))
OCIRUN_CMD = $(call REL_CMD,$(SC_FLAGS),$(SC_LIB),$(OCIRUN_BIN))
NOSC_CMD   = $(call REL_CMD,$(SC_NONE_FLAGS),,$(NOSC_BIN))
# the crash tests' runtime: the release build plus -DOCIRUN_KILLPOINTS
# (OCIRUN_KILL_AT=N kills it at its Nth step); never installed
KP_CMD     = $(call REL_CMD,$(SC_FLAGS) -DOCIRUN_KILLPOINTS,$(SC_LIB),$(KP_BIN))
# test/bench only: the release build without its sealed copy, to measure
# what the copy costs (README, Security); never installed
UNSEALED_CMD = $(call REL_CMD,$(SC_FLAGS) -DOCIRUN_BENCH_UNSEALED,$(SC_LIB),$(UNSEALED_BIN))
DEV_CMD    = $(strip $(CC) $(STD) $(WARN) $(SAN) $(DEFS) $(SC_HOST_FLAGS) -I. \
             $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) runtime.c -o ocirun-dev $(SC_HOST_LIBS) $(LDLIBS))
UNIT_CMD   = $(strip $(CC) $(STD) $(WARN) $(SAN) $(DEFS) $(SC_HOST_FLAGS) -DOCIRUN_NO_MAIN -I. \
             $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) test/unit.c -o build/unit $(SC_HOST_LIBS) $(LDLIBS))
GEN_CMD    = $(strip $(CC) $(STD) $(WARN) -O2 $(DEFS) $(SC_HOST_FLAGS) -DOCIRUN_NO_MAIN -I. \
             $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) seccomp_gen/seccomp_gen.c -o seccomp_gen/seccomp_gen \
             $(SC_HOST_LIBS) $(LDLIBS))
# the fuzz targets: clang (libFuzzer is clang's), glibc, system libseccomp
FUZZ_CC   ?= clang
FUZZ_CMD   = $(strip $(FUZZ_CC) $(STD) $(WARN) -O1 -g -fno-omit-frame-pointer \
             -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
             $(DEFS) $(SC_HOST_FLAGS) -DOCIRUN_NO_MAIN -I. $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) \
             test/fuzz/fuzz.c -o build/fuzz/fuzz $(SC_HOST_LIBS) $(LDLIBS))
HELPER_CMD = $(strip $(MUSL_CC) $(HLP_CFLAGS) -I. $(KHDR_INC) \
             $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(1) -o $(2) $(LDLIBS))
# check-cross: the unit tests with musl, static, no sanitizers (qemu-user
# runs them), linked with the target's libseccomp; vminit stripped.
XUNIT_CMD  = $(strip $(MUSL_CC) -static -O1 $(STD) $(WARN) $(DEFS) -DOCIRUN_SECCOMP=1 \
             -I$(SC_PREFIX)/include -DOCIRUN_NO_MAIN -I. $(KHDR_INC) \
             $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) test/unit.c $(SC_LIB_A) -o $(XUNIT_BIN) $(LDLIBS))
VMINIT_CMD = $(strip $(MUSL_CC) -static -Os -s $(STD) $(WARN) $(KHDR_INC) \
             $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) test/cross/vminit.c -o $(VMINIT_BIN) $(LDLIBS))

# scripts/libseccomp.sh's settings; it compares them with those the library
# in build/libseccomp/<arch> was built with and rebuilds only on a change.
SC_SCRIPT_ENV = LIBSECCOMP_PREFIX='$(CURDIR)/$(SC_BUILD_DIR)' \
                LIBSECCOMP_HOST='$(MUSL_TRIPLE)' \
                LIBSECCOMP_CC='$(strip $(MUSL_CC) $(KHDR_ABS))' \
                $(if $(TC_AR),LIBSECCOMP_AR='$(TC_AR)' LIBSECCOMP_RANLIB='$(TC_RANLIB)')

COMMON_DEPS := jsmn.h $(BUILDINFO) Makefile $(TC_STAMP)

.PHONY: all dev unit test/unit test-helpers seccomp-gen check check-dev bench size demo clean \
        distclean install uninstall deps FORCE nolibseccomp toolchain native-only \
        cross-test-bins release release-row check-cross cross-kernel fuzz fuzz-run
ifneq ($(TOOLCHAIN),native)
.PHONY: ocirun
endif
.DELETE_ON_ERROR:

all: $(OCIRUN_BIN)

# First rule that runs in any build: install missing packages, but only when
# a quick look says something is missing, so a normal build costs nothing.
ifeq ($(TOOLCHAIN),external)
deps:
else
deps:
	@ok=1; \
	for c in $(if $(TC_STAMP),musl-gcc gcc,$(MUSL_CC) $(CC)) jq busybox setpriv newuidmap useradd file \
	         gperf dpkg-source; do \
	    command -v $$c >/dev/null 2>&1 || { ok=0; break; }; \
	done; \
	for f in $(JSMN_SRC) /usr/include/linux/seccomp.h /usr/include/seccomp.h \
	         /usr/share/keyrings/debian-keyring.gpg; do \
	    test -f $$f || { ok=0; break; }; \
	done; \
	test $$ok = 1 || scripts/deps.sh
endif

# Write-if-changed stamp: make re-checks its mtime after the recipe, so
# dependents rebuild only when the content really changed.
BUILDINFO_VARS := OCIRUN_CMD NOSC_CMD KP_CMD UNSEALED_CMD $(if $(filter native,$(TOOLCHAIN)),DEV_CMD UNIT_CMD GEN_CMD FUZZ_CMD) \
                  XUNIT_CMD VMINIT_CMD
$(BUILDINFO): FORCE
	@mkdir -p $(@D)
	@printf '%s\n' $(foreach c,$(BUILDINFO_VARS),'$(subst ','\'',$($(c)))') \
	    '$(subst ','\'',$(call HELPER_CMD,SRC,OUT))' > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

# jsmn 1.1.0 from Debian's libjsmn-dev, copied so that the tree builds with
# -I. only; git-ignored, never edited.
jsmn.h: $(wildcard $(JSMN_SRC)) | deps
	cp $(JSMN_SRC) $@

$(KHDR)/asm: | deps
	@mkdir -p $(@D)
	ln -sfn /usr/include/$(MULTIARCH)/asm $@

$(KHDR)/%: | deps
	@mkdir -p $(@D)
	ln -sfn /usr/include/$* $@

# The default libseccomp: the script runs on every make that needs the
# library and returns at once when it is up to date; make then sees the
# library's mtime unchanged, so nothing relinks.
$(SC_BUILD_DIR)/lib/libseccomp.a: FORCE $(TC_STAMP) | $(KHDR_LINKS) deps
	@$(SC_SCRIPT_ENV) scripts/libseccomp.sh

# The bootstrap toolchain: like libseccomp.sh, the script returns at once
# when build/ARCH/toolchain is up to date and then leaves the stamp alone.
ifeq ($(TOOLCHAIN),bootstrap)
$(TC_STAMP): FORCE | deps
	@scripts/cross-toolchain.sh toolchain $(ARCH)
toolchain: $(TC_STAMP)
endif

ifneq ($(LIBSECCOMP_DIR),)
$(SC_LIB_A):
	@echo "LIBSECCOMP_DIR=$(LIBSECCOMP_DIR): $@ not found" >&2; exit 1
endif

$(OCIRUN_BIN): runtime.c $(COMMON_DEPS) $(SC_LIB) | $(KHDR_LINKS)
	@mkdir -p $(@D)
	$(OCIRUN_CMD)

$(NOSC_BIN): runtime.c $(COMMON_DEPS) | $(KHDR_LINKS)
	@mkdir -p $(@D)
	$(NOSC_CMD)

$(KP_BIN): runtime.c $(COMMON_DEPS) $(SC_LIB) | $(KHDR_LINKS)
	@mkdir -p $(@D)
	$(KP_CMD)

$(UNSEALED_BIN): runtime.c $(COMMON_DEPS) $(SC_LIB) | $(KHDR_LINKS)
	@mkdir -p $(@D)
	$(UNSEALED_CMD)

ifneq ($(OCIRUN_BIN),ocirun)
ocirun: $(OCIRUN_BIN)
endif
nolibseccomp: $(NOSC_BIN)

# ---- cross builds and their tests (see "Boards and kernels" in README) ----

# The host's test programs run on the host: not in a cross build.
dev check check-dev bench test-helpers seccomp-gen demo fuzz fuzz-run: native-only
native-only:
ifneq ($(TOOLCHAIN),native)
	@echo "make: this target is for the host build, not ARCH=$(ARCH) (see make check-cross)" >&2; exit 2
endif

$(XUNIT_BIN): test/unit.c runtime.c $(wildcard test/*.h) $(COMMON_DEPS) $(SC_LIB_A) | $(KHDR_LINKS)
	@mkdir -p $(@D)
	$(XUNIT_CMD)

$(VMINIT_BIN): test/cross/vminit.c $(BUILDINFO) Makefile $(TC_STAMP) | $(KHDR_LINKS) deps
	@mkdir -p $(@D)
	$(VMINIT_CMD)

# what test/cross/run.sh needs of one ARCH
cross-test-bins: $(OCIRUN_BIN) $(XUNIT_BIN) $(VMINIT_BIN)

# make release: ocirun for every target with and without libseccomp, then
# one table.  Each ARCH is its own make (its own toolchain and libseccomp).
# The host's ocirun must stay within SIZE_BUDGET bytes (stripped, with
# libseccomp); release fails otherwise.
RELEASE_ARCHES ?= $(CROSS_ARCHES)
SIZE_BUDGET    ?= 307200
release:
	@scripts/cross-toolchain.sh deps $(RELEASE_ARCHES)
	@for a in $(RELEASE_ARCHES); do \
	    $(MAKE) --no-print-directory ARCH=$$a ocirun nolibseccomp || exit 1; \
	done
	@printf '\n%-8s %-22s %-22s %s\n' arch 'with libseccomp' 'without (precompiled)' 'file (with libseccomp)'
	@for a in $(RELEASE_ARCHES); do \
	    $(MAKE) -s --no-print-directory ARCH=$$a release-row || exit 1; \
	done
ifneq ($(filter $(HOST_ARCH),$(RELEASE_ARCHES)),)
	@a=$$(stat -c %s ocirun); \
	if [ $$a -le $(SIZE_BUDGET) ]; then \
	    echo "$(HOST_ARCH) ocirun with libseccomp: $$a bytes, within the budget of $(SIZE_BUDGET)"; \
	else \
	    echo "$(HOST_ARCH) ocirun with libseccomp: $$a bytes, over the budget of $(SIZE_BUDGET)" >&2; exit 1; \
	fi
endif

release-row:
	@a=$$(stat -c %s $(OCIRUN_BIN)); b=$$(stat -c %s $(NOSC_BIN)); \
	printf '%-8s %-22s %-22s %s: %s\n' $(ARCH) \
	    "$$a ($$(awk -v n=$$a 'BEGIN { printf "%.1f KiB", n / 1024 }'))" \
	    "$$b ($$(awk -v n=$$b 'BEGIN { printf "%.1f KiB", n / 1024 }'))" \
	    $(OCIRUN_BIN) "$$(file -b $(OCIRUN_BIN))"

# make check-cross: for each of CHECK_ARCHES, the unit tests under qemu-user
# and containers as root and rootless in a real kernel under qemu-system.
# KERNEL_<arch>=<image> boots that kernel instead of Debian's (mips and
# riscv64 have none in Debian 12; make cross-kernel builds one).
CHECK_ARCHES ?= $(CROSS_ARCHES)
check-cross:
	@CHECK_ARCHES='$(CHECK_ARCHES)' MAKE='$(MAKE)' \
	$(foreach a,$(CROSS_ARCHES),$(if $(KERNEL_$(a)),KERNEL_$(a)='$(KERNEL_$(a))')) \
	    test/cross/run.sh

# make cross-kernel ARCH=riscv64|mips: a small kernel from Debian's linux
# source package (upstream part), for the archs Debian 12 has none for.
cross-kernel:
	@test/cross/kernel.sh $(ARCH)

dev: ocirun-dev

ocirun-dev: runtime.c $(COMMON_DEPS)
	$(DEV_CMD)

# test/unit.c includes ../runtime.c and has its own main().
unit test/unit: $(UNIT_BIN)

build/unit: test/unit.c runtime.c $(wildcard test/*.h) $(COMMON_DEPS)
	@mkdir -p $(@D)
	$(UNIT_CMD)

test-helpers: $(HELPERS)

# Host-side ahead-of-time filter compiler (glibc, system libseccomp); built
# only once seccomp_gen/seccomp_gen.c exists.
seccomp-gen: $(GEN_BIN)

seccomp_gen/seccomp_gen: seccomp_gen/seccomp_gen.c runtime.c $(wildcard seccomp_gen/*.h) \
                         $(COMMON_DEPS)
	$(GEN_CMD)

build/helpers/%: test/helpers/%.c build/buildinfo Makefile | $(KHDR_LINKS)
	@mkdir -p $(@D)
	$(call HELPER_CMD,$<,$@)

# With SECCOMP=libseccomp, check also builds the binary without libseccomp
# (the tests look for build/ocirun-nolibseccomp).
check: all dev $(UNIT_BIN) test-helpers $(GEN_BIN) $(if $(SC_LIB),$(NOSC_BIN)) $(KP_BIN)
	@test -f test/run.sh || { echo "make check: test/run.sh not found" >&2; exit 1; }
	OCIRUN=$(CURDIR)/ocirun OCIRUN_DEV=$(CURDIR)/ocirun-dev OCIRUN_KILLPOINTS=$(CURDIR)/$(KP_BIN) \
	UNIT=$(CURDIR)/build/unit HELPERS=$(CURDIR)/build/helpers \
	    test/run.sh

# The whole integration suite once more, with ./ocirun-dev (ASan + UBSan)
# as the runtime under test, root and rootless (slower: not in make check).
check-dev: dev test-helpers $(KP_BIN)
	OCIRUN=$(CURDIR)/ocirun-dev OCIRUN_DEV= DEV_FILES= OCIRUN_KILLPOINTS=$(CURDIR)/$(KP_BIN) \
	HELPERS=$(CURDIR)/build/helpers OCIRUN_TEST_TAG=dev SUITE_TIMEOUT=1500 \
	    test/run.sh

# The benchmarks: figures printed, nothing asserted (as root; it installs
# crun, runc, valgrind and strace with scripts/deps.sh).
bench:
	bash test/bench/run.sh

# ---- fuzzing (test/fuzz/: fuzz.c, seeds.sh, run.sh) ----
# make fuzz: clang and its fuzzer runtime from Debian (scripts/deps.sh fuzz;
# SKIP, and success, when they cannot be installed), build/fuzz/fuzz with
# libFuzzer, ASan and UBSan (no recovery: any report stops it), seed corpora
# made anew from the spec's and the tests' configs, then the targets config,
# state and seccomp one after the other.  FUZZ_TIME is the total time in
# seconds, split evenly over the three (CI: make fuzz FUZZ_TIME=30); each
# input has at most FUZZ_MAX_LEN bytes and FUZZ_TIMEOUT seconds.  Fails on
# any crash, leak, timeout or sanitizer report.  The corpora grow in
# build/fuzz/corpus/ from run to run; a finding is build/fuzz/TARGET-crash-*,
# replayed with build/fuzz/TARGET FILE.
FUZZ_TIME    ?= 60
FUZZ_MAX_LEN ?= 65536
FUZZ_TIMEOUT ?= 10
FUZZ_TARGETS := config state seccomp

fuzz:
	@if scripts/deps.sh fuzz; then \
	    $(MAKE) --no-print-directory fuzz-run; \
	else \
	    echo "SKIP make fuzz: what scripts/deps.sh fuzz needs (clang, libclang-rt-14-dev) could not be installed"; \
	fi

build/fuzz/fuzz: test/fuzz/fuzz.c runtime.c $(COMMON_DEPS)
	@mkdir -p $(@D)
	$(FUZZ_CMD)
	@cd $(@D) && for t in $(FUZZ_TARGETS); do ln -f fuzz $$t; done

fuzz-run: build/fuzz/fuzz $(UNIT_BIN) $(OCIRUN_BIN)
	@FUZZ_TIME=$(FUZZ_TIME) FUZZ_MAX_LEN=$(FUZZ_MAX_LEN) FUZZ_TIMEOUT=$(FUZZ_TIMEOUT) \
	FUZZ_TARGETS='$(FUZZ_TARGETS)' test/fuzz/run.sh build/fuzz/fuzz $(OCIRUN_BIN) $(UNIT_BIN)

# Both binaries are stripped (-s).  With SECCOMP=precompiled ./ocirun has no
# libseccomp either, so there is nothing to compare.
ifeq ($(SECCOMP),libseccomp)
size: $(OCIRUN_BIN) $(NOSC_BIN)
	@a=$$(stat -c %s $(OCIRUN_BIN)); b=$$(stat -c %s $(NOSC_BIN)); \
	printf '%-28s %8d bytes  (SECCOMP=libseccomp, stripped)\n' $(OCIRUN_BIN) $$a; \
	printf '%-28s %8d bytes  (SECCOMP=precompiled, stripped)\n' $(NOSC_BIN) $$b; \
	printf '%-28s %8d bytes\n' 'libseccomp adds' $$((a - b))
	@file $(OCIRUN_BIN)
else
size: $(OCIRUN_BIN)
	@printf '%-28s %8d bytes  (SECCOMP=precompiled, stripped)\n' $(OCIRUN_BIN) $$(stat -c %s $(OCIRUN_BIN))
	@file $(OCIRUN_BIN)
endif

demo: ocirun
	scripts/mkdemo.sh

# The man page, once the tree has one (ocirun.1 or doc/ocirun.1).
MANDIR  ?= $(PREFIX)/share/man
MANPAGE := $(firstword $(wildcard ocirun.1 doc/ocirun.1 man/ocirun.1))

install: $(OCIRUN_BIN)
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(OCIRUN_BIN) $(DESTDIR)$(BINDIR)/ocirun
ifneq ($(MANPAGE),)
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 0644 $(MANPAGE) $(DESTDIR)$(MANDIR)/man1/ocirun.1
endif

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ocirun $(DESTDIR)$(MANDIR)/man1/ocirun.1

# clean keeps the libseccomp build (build/src, build/apt, build/libseccomp):
# it only depends on Debian's source package and the toolchain.  So are,
# per cross target, build/ARCH/{toolchain,musl,libseccomp,kernel}, and the
# downloads of build/cross/.
CROSS_KEEP := toolchain musl libseccomp libseccomp-external kernel
clean:
	rm -f ocirun ocirun-dev jsmn.h seccomp_gen/seccomp_gen
	@test ! -d build || { set -x; cd build && \
	    find . -mindepth 1 -maxdepth 1 ! -name src ! -name apt ! -name libseccomp \
	        ! -name cross $(foreach a,$(CROSS_ARCHES),! -name $(a)) -exec rm -rf {} +; \
	    for a in $(CROSS_ARCHES); do test ! -d $$a || \
	        find $$a -mindepth 1 -maxdepth 1 $(foreach k,$(CROSS_KEEP),! -name $(k)) \
	            -exec rm -rf {} +; done; }

distclean: clean
	rm -rf build

FORCE:
