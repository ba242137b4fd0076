#!/usr/bin/env bash
# The README's two commands on a fresh clone of HEAD, as a newcomer without chromium,
# python3-icalendar or khal would run them (issue 16):
#   1. npm install && npm start   -> the service answers /healthz on its embedded database;
#   2. npm test                   -> passes, the system tests skipped with a line naming each package.
# The packages are hidden with the CONVENE_* variables test/support/system.ts reads. Takes as long
# as a full test run; `npm run check:fresh` runs it. Exits non-zero on any failure.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; rm -rf "$dir"' EXIT
git clone -q "$repo" "$dir/convene"
cd "$dir/convene"

echo "== npm install && npm start"
port=$((20000 + RANDOM % 20000))
npm install --no-audit --no-fund >/dev/null
PORT=$port npm start >"$dir/start.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.3
done
curl -fsS "http://127.0.0.1:$port/healthz" || { cat "$dir/start.log"; exit 1; }
echo
kill "$server"
wait "$server" 2>/dev/null || true
if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
  echo "the server outlived SIGTERM to npm start"; exit 1
fi
test -f data/convene.db || { echo "no embedded database was created"; exit 1; }

echo "== npm test, without the system packages"
unset REQUIRE_SYSTEM_TESTS
CONVENE_CHROMIUM=/nonexistent CONVENE_PYTHON=/nonexistent CONVENE_KHAL=/nonexistent \
  npm test 2>&1 | tee "$dir/test.log" | grep -E "skipped |Test Files|Tests " || true
status=${PIPESTATUS[0]}
grep -q "skipped the browser tests: needs chromium" "$dir/test.log" || { echo "no skip line for chromium"; exit 1; }
grep -q "skipped the calendar round trips: needs python3-icalendar and khal" "$dir/test.log" ||
  { echo "no skip line for python3-icalendar and khal"; exit 1; }
[ "$status" -eq 0 ] || { echo "npm test failed on a machine without the system packages"; exit 1; }
echo "fresh machine: both README commands work"
