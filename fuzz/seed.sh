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
echo "seeded: $(ls "$here/corpus/parse" | wc -l) files per target (parse, check)"

# config: align.toml seeds.
mkdir -p "$here/corpus/config"
printf 'rules = "rules/basic-plan"\nlang = "ja"\nfail-on = "warning"\nexclude = ["drafts/**"]\n[severity]\nALN106 = "off"\nno-kpi = "error"\n' >"$here/corpus/config/full.toml"
printf '[severity]\n"aあ" = "off"\n"A１０１" = "off"\nitem-without-progrm = "off"\n' >"$here/corpus/config/non-ascii.toml"
printf 'lang = "jp"\nfail_on = "x"\nexclude = ["a/{b"]\n' >"$here/corpus/config/bad.toml"

# rule_set: schema.toml, a NUL, rules.toml, from every rule set in the repository.
mkdir -p "$here/corpus/rule_set"
find "$root/rules" "$root/tests/fixtures" -name schema.toml -type f | while read -r schema; do
  dir=$(dirname "$schema")
  [ -f "$dir/rules.toml" ] || continue
  name=$(printf '%s' "${dir#"$root"/}" | tr '/' '_')
  { cat "$schema"; printf '\0'; cat "$dir/rules.toml"; } >"$here/corpus/rule_set/$name"
done

# baseline: the baseline of specs/ and of a few fixtures, written by align itself.
mkdir -p "$here/corpus/baseline"
for spec in specs tests/fixtures/rules tests/fixtures/syntax; do
  name=$(printf '%s' "$spec" | tr '/' '_')
  (cd "$root" && cargo run --quiet -- check "$spec" --today 2026-11-24 \
    --write-baseline "$here/corpus/baseline/$name.json" --quiet) || true
done
echo "seeded: config $(ls "$here/corpus/config" | wc -l), rule_set $(ls "$here/corpus/rule_set" | wc -l), baseline $(ls "$here/corpus/baseline" | wc -l)"
