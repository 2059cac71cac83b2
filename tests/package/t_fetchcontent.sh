#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# FetchContent from a file:// URL (a tarball of this source tree, build
# trees and .git left out): the consumer configures with qpybak's tests,
# bench and command off, so its `ctest -N` lists its own test only; it
# builds against qpybak::posix and its test passes.
. "$(dirname "$0")/lib.sh"
w=$(fresh fetchcontent)
src=$QPYBAK_SRC

# The source tree as a release tarball would hold it.
excl=(--exclude=./.git --exclude='./build*')
case $QPYBAK_BUILD/ in "$src"/*) excl+=("--exclude=./${QPYBAK_BUILD#"$src"/}") ;; esac
tar -C "$src" --anchored "${excl[@]}" --exclude=./tests/fuzz/corpus -cf "$w/qpybak.tar" .

cmake_consumer -S "$QPYBAK_SRC/tests/package/fetch" -B "$w/build" -DQPYBAK_URL="file://$w/qpybak.tar" \
    -DFETCHCONTENT_BASE_DIR="$w/deps" >"$w/configure.log" 2>&1 ||
    { cat "$w/configure.log"; fail "FetchContent consumer: configure"; }
ok "configured with FetchContent (URL file://$w/qpybak.tar)"

"$QPYBAK_CMAKE" --build "$w/build" -j2 >"$w/build.log" 2>&1 || { cat "$w/build.log"; fail "build"; }
built=$(cd "$w/deps/qpybak-build" && find . -type f \( -name '*.a' -o -name '*.so*' -o -perm -u+x \) | sort | tr '\n' ' ')
echo "qpybak built: $built"
[ "$built" = "./libqpybak.a ./libqpybak_posix.a " ] || fail "FetchContent built more than the two libraries"

# What the configure step registered (the count is fixed at configure time).
"$QPYBAK_CTEST" --test-dir "$w/build" -N >"$w/ctest-N.log"
cat "$w/ctest-N.log"
grep -q '^Total Tests: 1$' "$w/ctest-N.log" || fail "ctest -N: qpybak added tests to the consumer's ctest"
grep -q 'consumer_own_test' "$w/ctest-N.log" || fail "ctest -N: the consumer's own test is missing"
ok "zero qpybak tests in the consumer's ctest -N"
"$QPYBAK_CTEST" --test-dir "$w/build" --output-on-failure >"$w/ctest.log" 2>&1 ||
    { cat "$w/ctest.log"; fail "the consumer's test"; }
ok "built and tested: the libraries only"
