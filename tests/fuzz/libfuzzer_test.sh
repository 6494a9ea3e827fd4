#!/usr/bin/env bash
# Builds a fuzz target with clang and libFuzzer (plus AddressSanitizer and
# UndefinedBehaviorSanitizer) and fuzzes it for FUZZ_SECONDS (default 10) from its seed corpus.
# Usage: libfuzzer_test.sh NAME "SOURCES" "PKG-CONFIG MODULES" ["EXTRA CLANG FLAGS"]
#   NAME: tests/fuzz/NAME_fuzzer.cc is the target, tests/fuzz/corpus/NAME its corpus.
# A longer run: FUZZ_SECONDS=600 bazel test //tests/fuzz:NAME_libfuzzer_test --test_timeout=900
# (--test_env=FUZZ_SECONDS=600). Fails on any crash, leak, sanitizer report or broken invariant.
set -euo pipefail
name="$1"; sources="$2"; modules="$3"; extra="${4:-}"
work="${TEST_TMPDIR:-$(mktemp -d)}"
seconds="${FUZZ_SECONDS:-10}"
mkdir -p "$work/corpus"
cp "tests/fuzz/corpus/$name"/* "$work/corpus/"
# Generated protobuf code is under the runfiles' proto/ and third_party/googleapis/.
# shellcheck disable=SC2046,SC2086
clang++ -std=c++17 -O1 -g -I. -Iproto -Ithird_party/googleapis \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $extra \
  "tests/fuzz/${name}_fuzzer.cc" $sources $(pkg-config --cflags --libs $modules) \
  -o "$work/fuzzer"
"$work/fuzzer" -max_total_time="$seconds" -max_len=8192 -print_final_stats=1 "$work/corpus" \
  2>"$work/fuzz.log" || { tail -40 "$work/fuzz.log"; exit 1; }
grep -E "stat::number_of_executed_units|Done" "$work/fuzz.log" | tail -2
