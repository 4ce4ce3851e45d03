#!/usr/bin/env bash
# Builds the Debian package from an already built tree (scripts/package --build-dir), checks its
# control fields (Depends from dpkg-shlibdeps) and file list, unpacks it into a temporary root
# with dpkg -x and runs the binary from there.
#   tests/package/test_package.sh [BUILD_DIR]     (default build/)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(realpath -m "${1:-$root/build}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "package test: FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "package test: ok: $*"; }

deb=$("$root/scripts/package" --build-dir "$build" --out "$work/dist")
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
arch=$(dpkg --print-architecture)
[ "$(basename "$deb")" = "mpsupport_${version}_${arch}.deb" ] &&
  pass "named $(basename "$deb")" || fail "unexpected name $deb"

# Control fields: the package's real dependencies, found by dpkg-shlibdeps.
info=$(dpkg-deb -I "$deb")
depends=$(dpkg-deb -f "$deb" Depends)
depends_names=$(sed 's/ *([^)]*)//g; s/ *| */\n/g; s/, */\n/g' <<<"$depends")
for lib in libcurl4 libpq5 libssh2-1 libsqlite3-0 libjq1 libssl3 libc6; do
  grep -qxF "$lib" <<<"$depends_names" && pass "Depends: $lib" ||
    fail "Depends lacks $lib: $depends"
done
# Start-up time: bundles are written without libarchive, spdlog, fmt and toml++ are compiled in,
# libstdc++ is linked in: none of them is loaded, nor depended on.
for lib in libarchive13 libspdlog1.10 libfmt9 libtomlplusplus3 libstdc++6; do
  grep -qxF "$lib" <<<"$depends_names" && fail "Depends names $lib: $depends" ||
    pass "no $lib in Depends"
done
[ "$(dpkg-deb -f "$deb" Package)" = mpsupport ] || fail "Package field: $info"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version field is not $version"

# Files in their Debian places.
dpkg -x "$deb" "$work/root"
r="$work/root"
expect=(
  usr/bin/mpsupport
  usr/lib/mpsupport/mpsupport-curl.so
  usr/lib/mpsupport/mpsupport-pq.so
  usr/lib/mpsupport/mpsupport-jq.so
  usr/share/man/man1/mpsupport.1.gz
  usr/share/man/man1/mpsupport-verify.1.gz
  usr/share/bash-completion/completions/mpsupport
  usr/share/zsh/vendor-completions/_mpsupport
  usr/share/fish/vendor_completions.d/mpsupport.fish
)
for f in "${expect[@]}"; do [ -s "$r/$f" ] && pass "has /$f" || fail "missing /$f"; done
for page in "$root"/man/*.1; do
  gz="$r/usr/share/man/man1/$(basename "$page").gz"
  if [ -f "$gz" ] && gzip -dc "$gz" | cmp -s - "$page"; then :; else fail "man page $(basename "$page") missing or differs"; fi
done
cmp -s "$r/usr/share/bash-completion/completions/mpsupport" "$root/completions/mpsupport.bash" ||
  fail "bash completion differs from completions/mpsupport.bash"
# Debian policy: no RPATH into the build tree, the binary and plugins stripped.
for elf in usr/bin/mpsupport usr/lib/mpsupport/mpsupport-{curl,pq,jq}.so; do
  if readelf -d "$r/$elf" | grep -Eq 'RPATH|RUNPATH'; then fail "/$elf has an RPATH"; fi
  if readelf -S "$r/$elf" | grep -q '\.debug_info'; then fail "/$elf not stripped"; fi
done
# libcurl, libpq and libjq are linked by the plugins (so dpkg-shlibdeps declares them), not by
# the binary: commands that need none of them do not load them and their dependencies.
for plugin in curl pq jq; do
  readelf -d "$r/usr/lib/mpsupport/mpsupport-$plugin.so" | grep -q "NEEDED.*lib$plugin" &&
    pass "mpsupport-$plugin.so links lib$plugin" || fail "mpsupport-$plugin.so does not link lib$plugin"
done
readelf -d "$r/usr/bin/mpsupport" | grep -Eq 'NEEDED.*(libcurl|libpq|libjq)' &&
  fail "the binary links libcurl, libpq or libjq itself" || pass "the binary links none of libcurl, libpq, libjq"

# The installed binary runs from the unpacked root, without the build tree.
home="$work/home"
mkdir -p "$home"
run() { env -i PATH=/usr/bin:/bin HOME="$home" "$r/usr/bin/mpsupport" "$@"; }
out=$(run --version) && [ "$out" = "mpsupport $version" ] && pass "--version: $out" ||
  fail "--version printed '$out'"
# --json --version asks libcurl its version: the plugin loads from the unpacked root.
out=$(run --json --version) && grep -q '"libcurl": "[0-9]' <<<"$out" &&
  pass "--json --version loads mpsupport-curl.so" || fail "--json --version: $out"
out=$(run --jq .version --version) && [ "$out" = "$version" ] &&
  pass "--jq loads mpsupport-jq.so" || fail "--jq .version --version printed '$out'"
mv "$r/usr/lib/mpsupport/mpsupport-curl.so" "$work/curl-plugin.so"
if out=$(run --json --version 2>&1); then fail "--json --version without the plugin succeeded"
elif grep -q "cannot find .*/usr/lib/mpsupport/mpsupport-curl.so" <<<"$out"; then
  pass "a missing plugin is named"
else fail "a missing plugin: $out"; fi
mv "$work/curl-plugin.so" "$r/usr/lib/mpsupport/mpsupport-curl.so"
out=$(run --help) && grep -q verify <<<"$out" && pass "--help" || fail "--help: $out"
out=$(run completion bash) && grep -q 'complete ' <<<"$out" && pass "completion bash" ||
  fail "completion bash"
if command -v man >/dev/null; then
  MANPATH="$r/usr/share/man" man -P cat mpsupport-verify 2>/dev/null | grep -q -- '--all' &&
    pass "man mpsupport-verify reads" || fail "man -M root mpsupport-verify"
fi

if [ "$failures" -gt 0 ]; then echo "package test: $failures failure(s)" >&2; exit 1; fi
echo "package test: all passed ($(basename "$deb"), $(du -k "$deb" | cut -f1) KiB)"
