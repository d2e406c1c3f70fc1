#!/usr/bin/env bash
# Validates a deck's slide, layout, master, notes, theme, presentation and chart parts against the
# ECMA-376 (transitional) schemas with xmllint: by default the schemas committed under
# fixtures/deck/ecma-376/ (pml.xsd, dml-main.xsd, dml-chart.xsd and the files they import; see the
# NOTICE there), or those in XSD_DIR. Exits non-zero when any part is invalid.
#   scripts/check-deck-schema.sh DECK.pptx [XSD_DIR]
set -euo pipefail
deck=$(realpath "$1")
xsd=$(realpath "${2:-$(dirname "$0")/../fixtures/deck/ecma-376}")
for f in pml.xsd dml-main.xsd dml-chart.xsd; do
  [ -f "$xsd/$f" ] || { echo "$xsd has no $f" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && unzip -q "$deck")
checked=0
failed=0
while IFS= read -r part; do
  case "$part" in
    */charts/*) schema=dml-chart.xsd ;;
    */theme/*) schema=dml-main.xsd ;;
    ppt/presentation.xml|ppt/slides/*|ppt/slideLayouts/*|ppt/slideMasters/*|ppt/notesSlides/*|ppt/notesMasters/*) schema=pml.xsd ;;
    *) continue ;;
  esac
  checked=$((checked + 1))
  if ! out=$(xmllint --noout --schema "$xsd/$schema" "$work/$part" 2>&1); then
    failed=$((failed + 1))
    echo "$out" | head -5
  fi
done < <(cd "$work" && find ppt -name '*.xml' -not -path '*/_rels/*' | sort)
echo "$checked parts checked, $failed invalid"
[ "$failed" -eq 0 ]
