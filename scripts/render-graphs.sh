#!/usr/bin/env bash
# Regenerates the pictures in docs/images/ from the examples with Graphviz's `dot`
# (apt-get install graphviz). The pictures are committed; run this after changing the
# examples or `salesproc graph`, and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test -q -p salesproc-tests --test graph -- --ignored --exact render_docs_svg --nocapture
