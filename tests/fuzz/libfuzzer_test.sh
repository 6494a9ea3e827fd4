#!/usr/bin/env bash
# Builds the callback parser's fuzz target with clang and libFuzzer (plus AddressSanitizer and
# UndefinedBehaviorSanitizer) and fuzzes it for FUZZ_SECONDS (default 10) from the seed corpus.
# A longer run: FUZZ_SECONDS=600 bazel test //tests/fuzz:callback_libfuzzer_test
# (docs/TESTING.md). Fails on any crash, leak, sanitizer report or broken invariant.
set -euo pipefail
work="${TEST_TMPDIR:-$(mktemp -d)}"
seconds="${FUZZ_SECONDS:-10}"
mkdir -p "$work/corpus"
cp tests/fuzz/corpus/callback/* "$work/corpus/"
# shellcheck disable=SC2046
clang++ -std=c++17 -O1 -g -I. -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  tests/fuzz/callback_fuzzer.cc server/callback_request.cc \
  $(pkg-config --cflags --libs absl_statusor absl_strings) -o "$work/callback_fuzzer"
"$work/callback_fuzzer" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
  "$work/corpus" 2>"$work/fuzz.log" || { tail -40 "$work/fuzz.log"; exit 1; }
grep -E "stat::number_of_executed_units|Done" "$work/fuzz.log" | tail -2
