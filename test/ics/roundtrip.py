#!/usr/bin/env python3
"""Reads .ics files with Debian's python3-icalendar and prints, for each VEVENT, one line:

    <file> <METHOD> <UID> <SEQUENCE> <DTSTART in UTC> <DTEND in UTC> <STATUS>

for CI to compare with test/golden/roundtrip.expected (written by test/calendar/ics.node.test.ts from the
fixtures, not from this script). Exits 1 when a file does not parse, a time has no zone, or the
framing is wrong (CRLF endings, at most 75 octets a line). With --khal, also reads every file
with khal (printics, in UTC) and fails when khal's instants differ from icalendar's.

    /usr/bin/python3 test/ics/roundtrip.py --khal test/golden/*.ics | diff -u test/golden/roundtrip.expected -

(/usr/bin/python3: Debian's packages live there, not in a pyenv or venv interpreter.)
"""
import datetime
import os
import subprocess
import sys
import tempfile

from icalendar import Calendar

KHAL_CONFIG = """[calendars]
[[ci]]
path = {path}
type = calendar

[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%dT%H:%M
longdatetimeformat = %Y-%m-%dT%H:%M%z
local_timezone = UTC
default_timezone = UTC
"""


def utc(value):
    if not isinstance(value, datetime.datetime):
        raise ValueError(f"not a date-time: {value!r}")
    if value.tzinfo is None:
        raise ValueError(f"floating time (no zone): {value!r}")
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_framing(name, raw):
    if not raw.endswith(b"\r\n"):
        raise ValueError(f"{name}: does not end with CRLF")
    for number, line in enumerate(raw.split(b"\r\n")[:-1], 1):
        if b"\n" in line or b"\r" in line:
            raise ValueError(f"{name}:{number}: bare CR or LF")
        if len(line) > 75:
            raise ValueError(f"{name}:{number}: {len(line)} octets")


def read(path):
    name = os.path.basename(path)
    with open(path, "rb") as f:
        raw = f.read()
    check_framing(name, raw)
    cal = Calendar.from_ical(raw)
    method = str(cal.get("METHOD", "-"))
    rows = []
    for event in cal.walk("VEVENT"):
        rows.append((
            name,
            method,
            str(event.get("UID")),
            int(event.get("SEQUENCE", 0)),
            utc(event.decoded("DTSTART")),
            utc(event.decoded("DTEND")),
            str(event.get("STATUS", "-")),
        ))
    return rows


def khal_instants(path, home):
    """(uid, start, end) as khal reads them, minutes in UTC."""
    out = subprocess.run(
        ["khal", "-c", os.path.join(home, "khal.conf"), "printics",
         "--format", "{uid} {start-long} {end-long}", path],
        capture_output=True, text=True, check=True, env={**os.environ, "HOME": home, "TZ": "UTC"},
    ).stdout
    found = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and "@" in parts[0]:
            found.append(tuple(parts))
    return found


def main(args):
    use_khal = "--khal" in args
    paths = sorted(a for a in args if a != "--khal")
    failed = False
    with tempfile.TemporaryDirectory() as home:
        os.makedirs(os.path.join(home, "cal"))
        with open(os.path.join(home, "khal.conf"), "w") as f:
            f.write(KHAL_CONFIG.format(path=os.path.join(home, "cal")))
        for path in paths:
            name = os.path.basename(path)
            try:
                rows = read(path)
                for row in rows:
                    print(*row)
                if use_khal:
                    want = [(r[2], r[4][:16] + "+0000", r[5][:16] + "+0000") for r in rows]
                    got = khal_instants(path, home)
                    if got != want:
                        raise ValueError(f"khal read {got}, icalendar read {want}")
            except Exception as err:  # report every file, then fail
                print(f"{name}: {err}", file=sys.stderr)
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
