#!/usr/bin/env bash
# Seeds the working corpora (fuzz/corpus/<target>/, not committed) from the examples, the rule
# fixtures, the contract's example and a few generated processes. Run from anywhere.
set -euo pipefail
fuzz="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$fuzz")"
for target in check fmt; do
  mkdir -p "$fuzz/corpus/$target"
  find "$root/examples" "$root/tests/fixtures" "$root/tests/corpus" -name '*.salesproc' -size -64k \
    -exec cp -t "$fuzz/corpus/$target/" {} + 2>/dev/null || true
  # Files in different directories may share a name: give each its content hash instead.
  (cd "$fuzz/corpus/$target" && for f in *.salesproc; do [ -e "$f" ] && mv "$f" "$(sha1sum "$f" | cut -c1-40)"; done)
done
# Generated processes: one module, and a few with intake stages (small enough for libFuzzer).
cargo run -q --manifest-path "$root/Cargo.toml" -p salesproc-gen -- --files 4 --seed 7 "$fuzz/corpus/gen.tmp"
for f in "$fuzz/corpus/gen.tmp"/*.salesproc; do
  for target in check fmt; do cp "$f" "$fuzz/corpus/$target/gen-$(basename "$f" .salesproc)"; done
done
rm -rf "$fuzz/corpus/gen.tmp"
# The solver target reads fields and criteria from any bytes: a few random starts.
mkdir -p "$fuzz/corpus/solver"
for i in $(seq 1 32); do head -c 96 /dev/urandom > "$fuzz/corpus/solver/random-$i"; done
# And every finding kept as a regression test.
for target in check solver fmt; do
  [ -d "$root/tests/corpus/fuzz/$target" ] && find "$root/tests/corpus/fuzz/$target" -type f ! -name README.md \
    -exec cp -t "$fuzz/corpus/$target/" {} + || true
done
for target in check fmt solver; do echo "$target: $(ls "$fuzz/corpus/$target" | wc -l) seeds"; done
