#!/usr/bin/env bash
# Every docs/*.md that the code, tests and docs cite exists in the tree (docs/domain.md is left
# out: its sources name other repositories' docs/ files), and nothing cites the
# reference folder beside the checkout (it is not part of the product): issue 16, item 16.
set -euo pipefail
cd "$1"
sources=(host contracts plugins tests docs samples scripts bench README.md)
status=0
while read -r cited; do
  [ -f "$cited" ] || { echo "cited but missing: $cited"; status=1; }
done < <(grep -rhoE 'docs/[A-Za-z0-9_.-]+\.md' "${sources[@]}" --exclude=domain.md | sort -u)
if grep -rnE 'VIETNAM\.md|\.\./shared/|shared/domain' "${sources[@]}" --exclude=docs_cited_exist.sh; then
  echo "the lines above cite the reference folder outside the tree: copy the facts into docs/"
  status=1
fi
exit $status
