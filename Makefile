# ocirun -- GNU make build.
#
#   make              ./ocirun: static, stripped, musl (the product)
#   make dev          ./ocirun-dev: glibc, ASan + UBSan, for tests
#   make check        everything above + unit tests + helpers, then test/run.sh
#   make demo         busybox container as an unprivileged user
#   make size         stripped size of ./ocirun with and without libseccomp
#   make install      $(DESTDIR)$(PREFIX)/bin/ocirun
#   make clean        all that make built except the libseccomp build
#   make distclean    clean + build/ (libseccomp source, apt lists, library)
#
# Overridable: CC (dev, unit and seccomp_gen builds), MUSL_CC (ocirun and
# test helpers), CFLAGS CPPFLAGS LDFLAGS LDLIBS (appended after ours), PREFIX
# DESTDIR, SECCOMP and LIBSECCOMP_DIR (see below).
# Missing Debian packages are installed by scripts/deps.sh on first use.

VERSION := 0.1.0
COMMIT  := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DESTDIR ?=

# Target architecture (uname -m names).  Only native builds exist for now;
# ARCH is the one switch that cross builds (a per-arch MUSL_CC wrapper and
# per-arch UAPI header links, see shared docs/cross-targets.md) will hang
# off.  Taken from the command line only: an ARCH in the environment often
# means something else (the kernel's ARCH=x86, dpkg's amd64).
HOST_ARCH := $(shell uname -m)
ifneq ($(origin ARCH),command line)
  ARCH := $(HOST_ARCH)
endif
ifneq ($(ARCH),$(HOST_ARCH))
  $(error ARCH=$(ARCH): cross builds are not implemented yet (host is $(HOST_ARCH)))
endif

MUSL_CC ?= musl-gcc
ifeq ($(origin CC),default)
  CC := gcc
endif

# Debian's musl-gcc specs use -nostdinc, which hides the Linux UAPI headers
# (<linux/seccomp.h>, <linux/capability.h>, ...).  build/khdr holds only
# symlinks to those directories; it is added with -isystem, which gcc
# searches after the musl include directory the specs put first, so musl's
# libc headers always win.  MULTIARCH is expanded only inside recipes, after
# the deps rule has made sure gcc exists.
KHDR      := build/khdr
KHDR_DIRS := linux asm asm-generic mtd
KHDR_LINKS := $(addprefix $(KHDR)/,$(KHDR_DIRS))
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
MUSL_TRIPLE    := $(ARCH)-linux-musl
SC_BUILD_DIR   := build/libseccomp/$(ARCH)
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

# ocirun: static musl, size-optimised, unused sections dropped, stripped.
REL_CFLAGS  := -static -Os $(STD) $(WARN) -ffunction-sections -fdata-sections
REL_LDFLAGS := -s -Wl,--gc-sections
# test helpers: static musl, small, not stripped (they are debugged).
HLP_CFLAGS  := -static -Os $(STD) $(WARN)

UNIT_SRC    := $(wildcard test/unit.c)
UNIT_BIN    := $(if $(UNIT_SRC),build/unit)
HELPER_SRCS := $(wildcard test/helpers/*.c)
HELPERS     := $(patsubst test/helpers/%.c,build/helpers/%,$(HELPER_SRCS))
GEN_SRC     := $(wildcard seccomp_gen/seccomp_gen.c)
GEN_BIN     := $(if $(GEN_SRC),seccomp_gen/seccomp_gen)
NOSC_BIN    := build/ocirun-nolibseccomp

# The full compile commands, one place each; build/buildinfo records them so
# that a change of version, commit, compiler or flags rebuilds what it affects.
# $(1): seccomp flags, $(2): libseccomp.a or nothing, $(3): output.
REL_CMD    = $(strip $(MUSL_CC) $(REL_CFLAGS) $(DEFS) $(1) -I. -isystem $(KHDR) \
             $(CPPFLAGS) $(CFLAGS) $(REL_LDFLAGS) $(LDFLAGS) runtime.c $(2) -o $(3) $(LDLIBS))
OCIRUN_CMD = $(call REL_CMD,$(SC_FLAGS),$(SC_LIB),ocirun)
NOSC_CMD   = $(call REL_CMD,$(SC_NONE_FLAGS),,$(NOSC_BIN))
DEV_CMD    = $(strip $(CC) $(STD) $(WARN) $(SAN) $(DEFS) $(SC_HOST_FLAGS) -I. \
             $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) runtime.c -o ocirun-dev $(SC_HOST_LIBS) $(LDLIBS))
UNIT_CMD   = $(strip $(CC) $(STD) $(WARN) $(SAN) $(DEFS) $(SC_HOST_FLAGS) -DOCIRUN_NO_MAIN -I. \
             $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) test/unit.c -o build/unit $(SC_HOST_LIBS) $(LDLIBS))
GEN_CMD    = $(strip $(CC) $(STD) $(WARN) -O2 $(DEFS) $(SC_HOST_FLAGS) -DOCIRUN_NO_MAIN -I. \
             $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) seccomp_gen/seccomp_gen.c -o seccomp_gen/seccomp_gen \
             $(SC_HOST_LIBS) $(LDLIBS))
HELPER_CMD = $(strip $(MUSL_CC) $(HLP_CFLAGS) -I. -isystem $(KHDR) \
             $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(1) -o $(2) $(LDLIBS))

# scripts/libseccomp.sh's settings; it compares them with those the library
# in build/libseccomp/<arch> was built with and rebuilds only on a change.
SC_SCRIPT_ENV = LIBSECCOMP_PREFIX='$(CURDIR)/$(SC_BUILD_DIR)' \
                LIBSECCOMP_HOST='$(MUSL_TRIPLE)' \
                LIBSECCOMP_CC='$(MUSL_CC) -isystem $(CURDIR)/$(KHDR)'

COMMON_DEPS := jsmn.h build/buildinfo Makefile

.PHONY: all dev unit test/unit test-helpers seccomp-gen check size demo clean \
        distclean install uninstall deps FORCE
.DELETE_ON_ERROR:

all: ocirun

# First rule that runs in any build: install missing packages, but only when
# a quick look says something is missing, so a normal build costs nothing.
deps:
	@ok=1; \
	for c in $(MUSL_CC) $(CC) jq busybox setpriv newuidmap useradd file \
	         gperf dpkg-source; do \
	    command -v $$c >/dev/null 2>&1 || { ok=0; break; }; \
	done; \
	for f in $(JSMN_SRC) /usr/include/linux/seccomp.h /usr/include/seccomp.h \
	         /usr/share/keyrings/debian-keyring.gpg; do \
	    test -f $$f || { ok=0; break; }; \
	done; \
	test $$ok = 1 || scripts/deps.sh

# Write-if-changed stamp: make re-checks its mtime after the recipe, so
# dependents rebuild only when the content really changed.
build/buildinfo: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' $(foreach c,OCIRUN_CMD NOSC_CMD DEV_CMD UNIT_CMD GEN_CMD,'$(subst ','\'',$($(c)))') \
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
$(SC_BUILD_DIR)/lib/libseccomp.a: FORCE | $(KHDR_LINKS) deps
	@$(SC_SCRIPT_ENV) scripts/libseccomp.sh

ifneq ($(LIBSECCOMP_DIR),)
$(SC_LIB_A):
	@echo "LIBSECCOMP_DIR=$(LIBSECCOMP_DIR): $@ not found" >&2; exit 1
endif

ocirun: runtime.c $(COMMON_DEPS) $(SC_LIB) | $(KHDR_LINKS)
	$(OCIRUN_CMD)

$(NOSC_BIN): runtime.c $(COMMON_DEPS) | $(KHDR_LINKS)
	@mkdir -p $(@D)
	$(NOSC_CMD)

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
check: all dev $(UNIT_BIN) test-helpers $(GEN_BIN) $(if $(SC_LIB),$(NOSC_BIN))
	@test -f test/run.sh || { echo "make check: test/run.sh not found" >&2; exit 1; }
	OCIRUN=$(CURDIR)/ocirun OCIRUN_DEV=$(CURDIR)/ocirun-dev \
	UNIT=$(CURDIR)/build/unit HELPERS=$(CURDIR)/build/helpers \
	    test/run.sh

# Both binaries are stripped (-s).  With SECCOMP=precompiled ./ocirun has no
# libseccomp either, so there is nothing to compare.
ifeq ($(SECCOMP),libseccomp)
size: ocirun $(NOSC_BIN)
	@a=$$(stat -c %s ocirun); b=$$(stat -c %s $(NOSC_BIN)); \
	printf '%-28s %8d bytes  (SECCOMP=libseccomp, stripped)\n' ocirun $$a; \
	printf '%-28s %8d bytes  (SECCOMP=precompiled, stripped)\n' $(NOSC_BIN) $$b; \
	printf '%-28s %8d bytes\n' 'libseccomp adds' $$((a - b))
	@file ocirun
else
size: ocirun
	@printf '%-28s %8d bytes  (SECCOMP=precompiled, stripped)\n' ocirun $$(stat -c %s ocirun)
	@file ocirun
endif

demo: ocirun
	scripts/mkdemo.sh

install: ocirun
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 ocirun $(DESTDIR)$(BINDIR)/ocirun

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ocirun

# clean keeps the libseccomp build (build/src, build/apt, build/libseccomp):
# it only depends on Debian's source package and the toolchain.
clean:
	rm -f ocirun ocirun-dev jsmn.h seccomp_gen/seccomp_gen
	@test ! -d build || { set -x; cd build && \
	    find . -mindepth 1 -maxdepth 1 ! -name src ! -name apt ! -name libseccomp \
	        -exec rm -rf {} +; }

distclean: clean
	rm -rf build

FORCE:
