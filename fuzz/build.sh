#!/bin/bash
# Builds the HCL fuzz target with g++ and ASan/UBSan into build-fuzz/.
#   fuzz/build.sh && build-fuzz/hcl_fuzz_standalone 600 tests/fixtures/hcl
set -euo pipefail
cd "$(dirname "$0")/.."
out=build-fuzz
mkdir -p "$out/obj"
flags=(-std=c++23 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined
       -fno-sanitize-recover=undefined -DFMT_SHARED -Isrc)
srcs=(src/hcl/*.cc src/hcl/functions/*.cc src/util/error.cc src/util/go_duration.cc src/util/utf8.cc src/util/float64.cc
      src/json/parser.cc src/json/value.cc fuzz/hcl_fuzz.cc fuzz/standalone_main.cc)
objs=()
for f in "${srcs[@]}"; do
  case "$f" in *_test.cc) continue ;; esac
  o="$out/obj/$(echo "$f" | tr / _).o"
  if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ -n "$(find src/hcl -name '*.h' -newer "$o")" ]; then
    g++ "${flags[@]}" -c "$f" -o "$o" &
    while [ "$(jobs -r | wc -l)" -ge 2 ]; do sleep 0.2; done
  fi
  objs+=("$o")
done
wait
g++ "${flags[@]}" "${objs[@]}" -o "$out/hcl_fuzz_standalone" \
  -lfmt -lgmpxx -lgmp -lre2 -lyaml-cpp -lcrypto -lcurl -larchive
echo "built $out/hcl_fuzz_standalone"
