#!/usr/bin/env bash
# The module map in docs/ARCHITECTURE.md is CMake's link graph, and the includes follow it:
#  1. every kumo_* library's direct link dependencies (cmake --graphviz on a fresh configure) equal the
#     map's line for it;
#  2. a folder includes public headers (kumo/<folder>/...) only of folders its libraries link to,
#     directly or not (the link graph is the include graph);
#  3. no include reaches into another folder by a relative path ("../x/y.hpp"): private headers are
#     private.
# Usage: module_map_test.sh SOURCE_DIR
set -euo pipefail
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! cmake -S "$src" -B "$tmp/build" -G Ninja -DBUILD_TESTING=OFF --graphviz="$tmp/deps.dot" >"$tmp/configure.log" 2>&1; then
    cat "$tmp/configure.log"
    echo "module-map: cmake configure failed" >&2
    exit 1
fi

plumbing='^(kumo_headers|kumo_pch_.*)$'
# "target: dep dep ..." for every kumo library and the kumo executable, deps sorted.
sed -n 's|.*// \(kumo[a-z_]*\) -> \(kumo[a-z_]*\)$|\1 \2|p' "$tmp/deps.dot" |
    awk -v skip="$plumbing" '$1 !~ skip && $2 !~ skip { deps[$1] = deps[$1] " " $2 } END { for (t in deps) print t ":" deps[t] }' |
    while read -r target rest; do echo "$target $(tr ' ' '\n' <<<"$rest" | sed '/^$/d' | sort | tr '\n' ' ')"; done |
    sed 's/ *$//' | sort >"$tmp/actual"

sed -n '/<!-- module-map -->/,/<!-- \/module-map -->/p' "$src/docs/ARCHITECTURE.md" | { grep '^kumo' || true; } |
    while read -r target rest; do echo "$target $(tr ' ' '\n' <<<"$rest" | sed '/^$/d' | sort | tr '\n' ' ')"; done |
    sed 's/ *$//' | sort >"$tmp/expected"

status=0
if ! diff -u "$tmp/expected" "$tmp/actual" >"$tmp/diff"; then
    echo "module-map: docs/ARCHITECTURE.md's module map (-) differs from the link graph (+):"
    cat "$tmp/diff"
    status=1
fi

# The folder a library's sources and public headers live in.
folder_of() {
    case "$1" in
        kumo) echo app ;;
        kumo_sql | kumo_store) echo store ;;
        kumo_events | kumo_operations_repo | kumo_operations) echo operations ;;
        *) sed -E 's/^kumo_//; s/_(rules|repo|cli)$//' <<<"$1" ;;
    esac
}

# Folder -> the folders it may include from: its own, and those of every library its libraries reach.
declare -A reach
while read -r target deps; do
    f=$(folder_of "${target%:}")
    for d in $deps; do reach[$f]+=" $(folder_of "$d")"; done
done <"$tmp/actual"
changed=1
while [ $changed = 1 ]; do
    changed=0
    for f in "${!reach[@]}"; do
        for g in ${reach[$f]}; do
            for h in ${reach[$g]:-}; do
                if ! grep -qw -- "$h" <<<"${reach[$f]}"; then reach[$f]+=" $h"; changed=1; fi
            done
        done
    done
done

for dir in "$src"/src/*/; do
    f=$(basename "$dir")
    allowed=" $f core ${reach[$f]:-} "
    [ "$f" = async ] && allowed+=" async "
    while IFS=: read -r file line include; do
        to=$(sed -E 's|.*"kumo/([a-z_]+)/.*|\1|' <<<"$include")
        if ! grep -qw -- "$to" <<<"$allowed"; then
            echo "module-map: ${file#"$src"/}:$line includes kumo/$to/, but $f does not link to it"
            status=1
        fi
    done < <(grep -rn --include='*.cpp' --include='*.hpp' '#include "kumo/' "$dir" "$src/include/kumo/$f" 2>/dev/null || true)
done

if grep -rn --include='*.cpp' --include='*.hpp' '#include "\.\./' "$src/src" "$src/include" "$src/tests"; then
    echo "module-map: includes by relative path above reach into another folder's private headers"
    status=1
fi

[ $status = 0 ] && echo "module-map: $(wc -l <"$tmp/actual") libraries, link graph = docs, includes follow it"
exit $status
