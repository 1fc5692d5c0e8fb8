#!/bin/sh
# Copies the seed corpus from tests/fixtures and specs/ into fuzz/corpus/<target>/.
# The corpus is generated, not committed (see .gitignore).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
for target in parse check; do
  mkdir -p "$here/corpus/$target"
  find "$root/tests/fixtures" "$root/specs" -name '*.align' -type f | while read -r f; do
    name=$(printf '%s' "${f#"$root"/}" | tr '/' '_')
    cp "$f" "$here/corpus/$target/$name"
  done
done
echo "seeded: $(ls "$here/corpus/parse" | wc -l) files per target"
