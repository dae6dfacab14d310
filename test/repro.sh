#!/bin/bash
# test/repro.sh [ARCH...]: reproducible binaries, as Yocto, Buildroot and
# Debian expect of a firmware component.  The tree (the files git tracks,
# as they are now) is copied into two directories of different names and
# depths, each builds ocirun (with its own static libseccomp, from the same
# source package) and ocirun-nolibseccomp, and the results must be the
# same bytes.  Default ARCH: the host's.  Prints "ok"/"FAIL" lines and the
# usual "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
top=$PWD
arches=${*:-$(uname -m)}
work=$(mktemp -d /tmp/ocirun-repro.XXXXXX)
trap 'rm -rf "$work"' EXIT
P=0 F=0 S=0

# a copy of the tree, with what the build downloads or bootstraps once
# (libseccomp's source package, a cross toolchain) shared by both
copy_tree() {
	local to=$1 a
	mkdir -p "$to"
	git ls-files -z | xargs -0 cp --parents -t "$to" 2>/dev/null || return 1
	mkdir -p "$to/build"
	[ -d build/src ] && cp -a build/src build/apt "$to/build/" 2>/dev/null
	rm -rf "$to"/build/src/libseccomp-build-*
	for a in $arches; do
		[ -d "build/$a/toolchain" ] && [ "$a" != "$(uname -m)" ] && mkdir -p "$to/build/$a" &&
			cp -a "build/$a/toolchain" "$to/build/$a/"
	done
	return 0
}
one=$work/a
two=$work/somewhere/much/deeper/b
copy_tree "$one" && copy_tree "$two" || { echo "FAIL repro: cannot copy the tree"; exit 1; }
for a in $arches; do
	if [ "$a" = "$(uname -m)" ]; then bins="ocirun build/ocirun-nolibseccomp" args=""; else
		bins="build/$a/ocirun build/$a/ocirun-nolibseccomp" args="ARCH=$a"
	fi
	ok=1
	for d in "$one" "$two"; do
		# shellcheck disable=SC2086
		if ! make -s -C "$d" $args ocirun nolibseccomp >"$d.$a.log" 2>&1; then
			echo "FAIL repro $a: the build in $d failed"; tail -5 "$d.$a.log" | sed 's/^/     | /'
			ok=0
		fi
	done
	if [ $ok = 0 ]; then F=$((F + 1)); continue; fi
	for b in $bins; do
		if cmp -s "$one/$b" "$two/$b"; then
			echo "ok   repro $a: $b is the same bytes built in two directories ($(stat -c %s "$one/$b") bytes)"
			P=$((P + 1))
		else
			echo "FAIL repro $a: $b differs between $one and $two"
			strings "$one/$b" | grep -F -e "$work" | head -3 | sed 's/^/     | embeds /'
			F=$((F + 1))
		fi
	done
done
echo "$P passed, $F failed, $S skipped"
[ "$F" = 0 ]
