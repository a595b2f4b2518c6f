#!/bin/bash
# Builds the HCL fuzz target with libFuzzer (Debian's clang-16 and
# libclang-rt-16-dev: scripts/install-deps.sh fuzz) into build-fuzz/.
#   fuzz/build-libfuzzer.sh && build-fuzz/hcl_libfuzzer -max_total_time=600 -timeout=10 \
#     -max_len=8192 build-fuzz/corpus tests/fixtures/hcl
#
# clang 16 implements what libstdc++ 12's <expected> needs (P0848, conditionally
# trivial special members) but still reports __cpp_concepts as 201907, which
# hides <expected>: the macro is raised to the value libstdc++ checks for.
set -euo pipefail
cd "$(dirname "$0")/.."
cxx=${CXX_FUZZ:-clang++-16}
command -v "$cxx" >/dev/null || { echo "fuzz: $cxx missing (scripts/install-deps.sh fuzz)" >&2; exit 1; }
out=build-fuzz
mkdir -p "$out/clang-obj" "$out/corpus"
flags=(-std=c++2b -U__cpp_concepts -D__cpp_concepts=202002L -Wno-builtin-macro-redefined
       -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
       -fno-sanitize-recover=undefined -DFMT_SHARED -Isrc)
srcs=(src/hcl/*.cc src/hcl/functions/*.cc src/util/error.cc src/util/go_duration.cc
      src/json/parser.cc src/json/value.cc fuzz/hcl_fuzz.cc)
objs=() pids=()
for f in "${srcs[@]}"; do
  case "$f" in *_test.cc) continue ;; esac
  o="$out/clang-obj/$(echo "$f" | tr / _).o"
  if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ -n "$(find src/hcl -name '*.h' -newer "$o")" ]; then
    "$cxx" "${flags[@]}" -c "$f" -o "$o" &
    pids+=($!)
    while [ "$(jobs -r | wc -l)" -ge 2 ]; do sleep 0.2; done
  fi
  objs+=("$o")
done
for pid in "${pids[@]}"; do wait "$pid" || { echo "fuzz: a compile failed" >&2; exit 1; }; done
"$cxx" "${flags[@]}" -fsanitize=fuzzer "${objs[@]}" -o "$out/hcl_libfuzzer" \
  -lfmt -lgmpxx -lgmp -lre2 -lyaml-cpp -lcrypto -lcurl -larchive
echo "built $out/hcl_libfuzzer"
