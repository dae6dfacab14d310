# ocirun -- GNU make build.
#
#   make              ./ocirun: static, stripped, musl (the product)
#   make dev          ./ocirun-dev: glibc, ASan + UBSan, for tests
#   make check        everything above + unit tests + helpers, then test/run.sh
#   make demo         busybox container as an unprivileged user
#   make size         size of ./ocirun and `file` output
#   make install      $(DESTDIR)$(PREFIX)/bin/ocirun
#   make clean
#
# Overridable: CC (dev and unit builds), MUSL_CC (ocirun and test helpers),
# CFLAGS CPPFLAGS LDFLAGS LDLIBS (appended after ours), PREFIX DESTDIR.
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

# The full compile commands, one place each; build/buildinfo records them so
# that a change of version, commit, compiler or flags rebuilds what it affects.
OCIRUN_CMD = $(strip $(MUSL_CC) $(REL_CFLAGS) $(DEFS) -I. -isystem $(KHDR) \
             $(CPPFLAGS) $(CFLAGS) $(REL_LDFLAGS) $(LDFLAGS) runtime.c -o ocirun $(LDLIBS))
DEV_CMD    = $(strip $(CC) $(STD) $(WARN) $(SAN) $(DEFS) -I. \
             $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) runtime.c -o ocirun-dev $(LDLIBS))
UNIT_CMD   = $(strip $(CC) $(STD) $(WARN) $(SAN) $(DEFS) -DOCIRUN_NO_MAIN -I. \
             $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) test/unit.c -o build/unit $(LDLIBS))
HELPER_CMD = $(strip $(MUSL_CC) $(HLP_CFLAGS) -I. -isystem $(KHDR) \
             $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $(1) -o $(2) $(LDLIBS))

COMMON_DEPS := jsmn.h build/buildinfo Makefile

.PHONY: all dev unit test/unit test-helpers check size demo clean install \
        uninstall deps FORCE
.DELETE_ON_ERROR:

all: ocirun

# First rule that runs in any build: install missing packages, but only when
# a quick look says something is missing, so a normal build costs nothing.
deps:
	@ok=1; \
	for c in $(MUSL_CC) $(CC) jq busybox setpriv newuidmap useradd file; do \
	    command -v $$c >/dev/null 2>&1 || { ok=0; break; }; \
	done; \
	for f in $(JSMN_SRC) /usr/include/linux/seccomp.h /usr/include/seccomp.h; do \
	    test -f $$f || { ok=0; break; }; \
	done; \
	test $$ok = 1 || scripts/deps.sh

# Write-if-changed stamp: make re-checks its mtime after the recipe, so
# dependents rebuild only when the content really changed.
build/buildinfo: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' $(foreach c,OCIRUN_CMD DEV_CMD UNIT_CMD,'$(subst ','\'',$($(c)))') \
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

ocirun: runtime.c $(COMMON_DEPS) | $(KHDR_LINKS)
	$(OCIRUN_CMD)

dev: ocirun-dev

ocirun-dev: runtime.c $(COMMON_DEPS)
	$(DEV_CMD)

# test/unit.c includes ../runtime.c and has its own main().
unit test/unit: $(UNIT_BIN)

build/unit: test/unit.c runtime.c $(wildcard test/*.h) $(COMMON_DEPS)
	@mkdir -p $(@D)
	$(UNIT_CMD)

test-helpers: $(HELPERS)

build/helpers/%: test/helpers/%.c build/buildinfo Makefile | $(KHDR_LINKS)
	@mkdir -p $(@D)
	$(call HELPER_CMD,$<,$@)

check: all dev $(UNIT_BIN) test-helpers
	@test -f test/run.sh || { echo "make check: test/run.sh not found" >&2; exit 1; }
	OCIRUN=$(CURDIR)/ocirun OCIRUN_DEV=$(CURDIR)/ocirun-dev \
	UNIT=$(CURDIR)/build/unit HELPERS=$(CURDIR)/build/helpers \
	    test/run.sh

size: ocirun
	@echo "ocirun: $$(stat -c %s ocirun) bytes"
	@file ocirun

demo: ocirun
	scripts/mkdemo.sh

install: ocirun
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 ocirun $(DESTDIR)$(BINDIR)/ocirun

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ocirun

clean:
	rm -f ocirun ocirun-dev jsmn.h
	rm -rf build

FORCE:
