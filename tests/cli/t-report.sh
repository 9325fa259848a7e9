# testigo report: one self-contained HTML file, JSON and CSV exports; hostile metadata escaped
. "$TESTIGO_ROOT/tests/cli/lib.sh"

tg init c >/dev/null
export TESTIGO_CASE=$PWD/c

# a report over an empty case
expect 0 "a report of an empty case" tg report -o empty.html
contains empty.html "no items in the scope" "the empty case is said so"
contains empty.html "</html>" "the empty report is complete"
expect 0 "report --json of an empty case" tg report --json
check "no items" test "$(json out 'd["summary"]["items"]')" = 0

# a file whose metadata tries to inject markup
ffmpeg -v error -f lavfi -i testsrc=size=160x120:rate=10:duration=2 -f lavfi \
	-i sine=frequency=440:duration=2 -shortest -c:v mpeg4 -c:a aac \
	-metadata title='<script>alert(1)</script>' -metadata comment='"><img src=x onerror=alert(2)>' \
	'evil<b>name.mp4' 2>/dev/null
tg add 'evil<b>name.mp4' "$SAMPLES"/pic1/IMG_1054.JPG >/dev/null
tg incident new --title 'Court <i>&</i> "night"' --start 2020-11-12 >/dev/null
tg incident link 1 1 >/dev/null
tg record 1 --status in_review --source-who '<script>alert(3)</script>' >/dev/null
tg note 1 '</div><script>alert(4)</script>' >/dev/null
tg tag 1 --free '<x>' >/dev/null 2>&1

expect 0 "report -o" tg report -o r.html
check "the report exists and is not tiny" test "$(wc -c < r.html)" -gt 5000
lacks r.html "<script" "no script element got through"
lacks r.html "<img src=x" "no injected image"
lacks r.html "<i>&</i>" "the incident title is escaped"
contains r.html "&lt;script&gt;alert(3)&lt;/script&gt;" "the hostile source is shown escaped"
contains r.html "evil&lt;b&gt;name.mp4" "the hostile file name is shown escaped"
contains r.html "Content-Security-Policy" "a CSP forbids loading anything"
lacks r.html "http://" "no http link"
lacks r.html "https://" "no https link"
contains r.html "@media print" "print rules"
contains r.html "Methodology" "a methodology section"
contains r.html "Chain of custody" "a custody section"
check "report is logged" sh -c "tail -n 1 c/custody.log | grep -q '\"action\":\"report\"'"
expect 0 "report of one incident" tg report --incident 1 -o inc.html
contains inc.html "Incident 1" "the incident report names it"
lacks inc.html "IMG_1054.JPG" "the unlinked item is left out"
expect 2 "report of an unknown incident" tg report --incident 9 -o x.html
contains err "no incident 9" "the unknown incident is named"
check "no file for a failed report" test ! -e x.html
expect 2 "report without -o" tg report
expect 2 "report with a bad option" tg report --frobnicate
expect 3 "report into a missing folder" tg report -o /nonexistent/dir/r.html

# JSON and CSV exports
expect 0 "report --json" tg report --json
check "two items, one incident" test "$(json out 'd["summary"]["items"], len(d["incidents"])')" = "2 1"
check "the record is in the JSON" test "$(json out 'd["items"][0]["record"]["source"]["who"]')" = "<script>alert(3)</script>"
expect 0 "report --json -o" tg report --json -o r.json
check "the file is JSON" python3 -c "import json; json.load(open('r.json'))"
expect 0 "report --csv" tg report --csv -o csv
check "five tables" test "$(ls csv | wc -l)" = 5
contains csv/items.csv "item,sha256,name" "items.csv header"
contains csv/findings.csv "metadata" "findings.csv rows"
check "counts.csv exists" test -e csv/counts.csv
expect 2 "--csv needs -o" tg report --csv

# a real browser renders it: a non-blank screenshot
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	skip "chromium is not installed (scripts/install-deps adds it); no screenshot check"
else
	prof=$(mktemp -d)
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$prof" --window-size=1200,1600 --screenshot="$PWD/shot.png" \
		"file://$PWD/r.html" >/dev/null 2>&1
	rm -rf "$prof"
	check "chromium took a screenshot" test -s shot.png
	check "the screenshot is a non-blank PNG" python3 - shot.png <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat, w = 8, b'', 0
while pos < len(data):
    n, = struct.unpack('>I', data[pos:pos + 4]); kind = data[pos + 4:pos + 8]
    body = data[pos + 8:pos + 8 + n]; pos += 12 + n
    if kind == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
    if kind == b'IDAT': idat += body
raw = zlib.decompress(idat)
# a blank page compresses to almost nothing and has one byte value
assert len(set(raw[:200000])) > 8, "blank screenshot"
PY
fi
