#!/usr/bin/env bash
# Whole-process figures for issue 12, measured in one run: builds the release binary, makes
# synthetic rosters, imports each into a fresh database and prints ONE table: import time and
# peak RSS, database size and the audit log's share, and `alerts --json`, `alerts --json
# --as-of` and `patients --json` CPU and peak RSS against `sqlite3 DB 'select * from
# patients' > /dev/null` on the same database (the ratio column).
#
#   scripts/measure.sh            10k and 100k
#   scripts/measure.sh 10k        quick
#   scripts/measure.sh 1m         1M as well (minutes, a few GB of disk)
#
# Needs /usr/bin/time (GNU) and sqlite3 with dbstat. DUTYDESK_BIN=path measures another
# binary without building; MEASURE_DIR keeps the rosters and databases there (default: a
# temporary directory removed at the end). The console's figures are its own bench
# (benches/console.rs).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
case "${1:-}" in
"") sizes=(10000 100000) ;;
10k) sizes=(10000) ;;
100k) sizes=(100000) ;;
1m | 1M) sizes=(10000 100000 1000000) ;;
*)
    echo "usage: $0 [10k|100k|1m]" >&2
    exit 2
    ;;
esac

for tool in /usr/bin/time sqlite3; do
    command -v "$tool" >/dev/null || {
        echo "$tool is needed" >&2
        exit 2
    }
done

if [[ -n "${DUTYDESK_BIN:-}" ]]; then
    bin="$DUTYDESK_BIN"
else
    (cd "$here" && cargo build --release --locked --quiet)
    bin="$here/target/release/dutydesk"
fi

if [[ -n "${MEASURE_DIR:-}" ]]; then
    dir="$MEASURE_DIR"
    mkdir -p "$dir"
else
    dir="$(mktemp -d)"
    trap 'rm -rf "$dir"' EXIT
fi

# The figures are taken as the process sees them: no colour, no pager, a fixed language.
export DUTYDESK_LANG=en NO_COLOR=1
unset DUTYDESK_DB DUTYDESK_OPERATOR DUTYDESK_CONFIG
as_of="2026-12-01T08:00:00+08:00"

# Runs a command with its output to /dev/null; prints "wall cpu peak_mb".
measure() {
    local out
    out="$(/usr/bin/time -f '%e %U %S %M' "$@" 2>&1 >/dev/null | tail -n 1)"
    read -r wall user sys rss <<<"$out"
    awk -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" \
        'BEGIN { printf "%.2f %.2f %.0f\n", w, u + s, r / 1024 }'
}

label() {
    case "$1" in
    10000) echo 10k ;;
    100000) echo 100k ;;
    1000000) echo 1M ;;
    *) echo "$1" ;;
    esac
}

rows=()
add() { rows+=("$(printf '%-6s %-34s %9s %9s %9s %9s' "$@")"); }

for n in "${sizes[@]}"; do
    size="$(label "$n")"
    roster="$dir/roster-$size.csv"
    db="$dir/db-$size.db"
    [[ -s "$roster" ]] || "$bin" synth-roster --count "$n" --out "$roster" >/dev/null
    rm -f "$db" "$db-wal" "$db-shm"
    "$bin" --db "$db" init >/dev/null
    read -r wall cpu rss < <(measure "$bin" --db "$db" import roster "$roster")
    add "$size" "import roster (csv $(du -m "$roster" | cut -f1) MB)" "$wall" "$cpu" "$rss" "-"
    sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
    db_mb="$(du -m "$db" | cut -f1)"
    audit_mb="$(sqlite3 "$db" "SELECT sum(pgsize) / 1048576 FROM dbstat
        WHERE name IN ('audit_log', 'roster_files', 'audit_patients') OR name LIKE 'audit_log_%'
            OR name LIKE 'sqlite_autoindex_audit_log%' OR name LIKE 'sqlite_autoindex_roster_files%'")"
    add "$size" "db ${db_mb} MB, audit log ${audit_mb} MB" "-" "-" "-" "-"
    read -r dwall dcpu drss < <(measure sqlite3 "$db" 'select * from patients')
    add "$size" "sqlite3 'select * from patients'" "$dwall" "$dcpu" "$drss" "1.0"
    ratio() { awk -v a="$1" -v b="$dcpu" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }
    read -r w c r < <(measure "$bin" --db "$db" alerts --json)
    add "$size" "alerts --json" "$w" "$c" "$r" "$(ratio "$c")"
    read -r w c r < <(measure "$bin" --db "$db" alerts --json --as-of "$as_of")
    add "$size" "alerts --json --as-of" "$w" "$c" "$r" "$(ratio "$c")"
    read -r w c r < <(measure "$bin" --db "$db" patients --json)
    add "$size" "patients --json" "$w" "$c" "$r" "$(ratio "$c")"
done

printf '%-6s %-34s %9s %9s %9s %9s\n' size figure "wall s" "cpu s" "peak MB" "÷ dump"
printf '%s\n' "${rows[@]}"
