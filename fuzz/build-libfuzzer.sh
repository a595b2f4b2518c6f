#!/bin/bash
# Builds the fuzz targets with libFuzzer, ASan and UBSan (Debian's clang-16 and
# libclang-rt-16-dev: scripts/install-deps.sh fuzz) into build-fuzz/:
#   build-fuzz/hcl_libfuzzer          HCL2 parser and evaluator (fuzz/hcl_fuzz.cc)
#   build-fuzz/json_libfuzzer         the JSON reader (fuzz/json_fuzz.cc)
#   build-fuzz/interpolate_libfuzzer  the legacy {{ }} engine (fuzz/interpolate_fuzz.cc)
#
#   fuzz/build-libfuzzer.sh [hcl] [json] [interpolate]     (no argument: all three)
# How to run them: fuzz/README.md.
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

# Per target: its sources, the folders whose headers they include, its libraries.
declare -A SRCS=(
  [hcl]="src/hcl/*.cc src/hcl/functions/*.cc src/util/error.cc src/util/go_duration.cc src/util/utf8.cc src/util/float64.cc
         src/json/parser.cc src/json/value.cc fuzz/hcl_fuzz.cc"
  [json]="src/json/parser.cc src/json/value.cc src/util/error.cc src/util/utf8.cc src/util/float64.cc fuzz/json_fuzz.cc"
  [interpolate]="src/interpolate/*.cc src/util/error.cc src/util/utf8.cc src/util/float64.cc fuzz/interpolate_fuzz.cc"
)
declare -A HDRS=(
  [hcl]="src/hcl src/json src/util src/clients/aws"
  [json]="src/json src/util"
  [interpolate]="src/interpolate src/util src/clients/aws"
)
declare -A LIBS=(
  [hcl]="-lfmt -lgmpxx -lgmp -lre2 -lyaml-cpp -lcrypto -lcurl -larchive"
  [json]="-lfmt"
  [interpolate]="-lfmt"
)

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(hcl json interpolate)
for t in "${targets[@]}"; do
  [ -n "${SRCS[$t]:-}" ] || { echo "fuzz: unknown target '$t' (hcl json interpolate)" >&2; exit 1; }
  objs=() pids=()
  # shellcheck disable=SC2086  # the globs expand here
  for f in ${SRCS[$t]}; do
    case "$f" in *_test.cc) continue ;; esac
    o="$out/clang-obj/$(echo "$f" | tr / _).o"
    # shellcheck disable=SC2086
    if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ -n "$(find ${HDRS[$t]} -name '*.h' -newer "$o")" ]; then
      "$cxx" "${flags[@]}" -c "$f" -o "$o" &
      pids+=($!)
      while [ "$(jobs -r | wc -l)" -ge 2 ]; do sleep 0.2; done
    fi
    objs+=("$o")
  done
  for pid in "${pids[@]}"; do wait "$pid" || { echo "fuzz: a compile failed" >&2; exit 1; }; done
  # shellcheck disable=SC2086
  "$cxx" "${flags[@]}" -fsanitize=fuzzer "${objs[@]}" -o "$out/${t}_libfuzzer" ${LIBS[$t]}
  echo "built $out/${t}_libfuzzer"
done
