#!/usr/bin/env bash
# Sizes of the built page: every .wasm, .js and .css in DIR (default dist/), raw and gzip -9,
# and what the browser transfers for the page: the first screen (index.html, boot-*.js and the
# glue it imports, the .css) and the second module, make-*.js, imported after it (issue 26).
# The .wasm files are listed for reference only: the page never requests them, because each wasm
# travels inside its module (boot-*.js, make-*.js: gzip + base64; see tools/trunk-inline-wasm.mjs).
# Then the offline copy istio-alb-offline.html (everything inline): its size and SHA-256, the
# hash the served page shows next to its link.
set -euo pipefail

dir=${1:-dist}
[[ -f "$dir/index.html" ]] || {
	echo "size.sh: $dir/index.html not found (build first: trunk build --release)" >&2
	exit 1
}

gz() { gzip -9 -c "$1" | wc -c; }
kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }

printf '%-44s %12s %12s\n' file raw gzip
total_raw=0 total_gz=0 lazy_raw=0 lazy_gz=0
while IFS= read -r -d '' f; do
	raw=$(wc -c <"$f")
	g=$(gz "$f")
	name=${f#"$dir"/}
	note=''
	case $f in
	*.wasm) note='  (inlined in boot-*.js or make-*.js, not fetched)' ;;
	*/make-*.js) lazy_raw=$((lazy_raw + raw)) lazy_gz=$((lazy_gz + g)) note='  (second module, imported after the first screen)' ;;
	*) total_raw=$((total_raw + raw)) total_gz=$((total_gz + g)) ;;
	esac
	printf '%-44s %12s %12s%s\n' "$name" "$(kib "$raw")" "$(kib "$g")" "$note"
done < <(find "$dir" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name index.html \) -print0 | sort -z)
printf '%-44s %12s %12s\n' 'first screen (html + boot + glue + css)' "$(kib "$total_raw")" "$(kib "$total_gz")"
printf '%-44s %12s %12s\n' 'second module (make-*.js)' "$(kib "$lazy_raw")" "$(kib "$lazy_gz")"
printf '%-44s %12s %12s\n' 'total transferred' "$(kib $((total_raw + lazy_raw)))" "$(kib $((total_gz + lazy_gz)))"

offline="$dir/istio-alb-offline.html"
if [[ -f "$offline" ]]; then
	raw=$(wc -c <"$offline")
	g=$(gz "$offline")
	printf '%-44s %12s %12s\n' 'istio-alb-offline.html (offline copy)' "$(kib "$raw")" "$(kib "$g")"
	printf 'bytes: first screen %s B gzip, second module %s B gzip, served page %s B gzip; offline copy %s B raw, %s B gzip\n' \
		"$total_gz" "$lazy_gz" "$((total_gz + lazy_gz))" "$raw" "$g"
	printf 'istio-alb-offline.html sha256 %s\n' "$(sha256sum "$offline" | cut -d' ' -f1)"
else
	echo "size.sh: $offline is missing (the release build's post_build hook makes it)" >&2
	exit 1
fi
