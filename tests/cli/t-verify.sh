# testigo verify detects every kind of damage, naming the item or log line
. "$TESTIGO_ROOT/tests/cli/lib.sh"

make_case() { # a fresh case with three items, in folder $1
	rm -rf "$1"
	tg init "$1" >/dev/null
	TESTIGO_CASE=$PWD/$1 tg add --no-analyse "$SAMPLES"/movie1/VID_20191220_170832.mp4 \
		"$SAMPLES"/pic1/IMG_1054.JPG "$SAMPLES"/pic2/d-debian.png >/dev/null
}
obj_of() { # path of the object for a source file in case $1
	s=$(sha256sum "$2" | cut -c1-64)
	echo "$1/objects/$(echo "$s" | cut -c1-2)/$(echo "$s" | cut -c3-)"
}

make_case c
expect 0 "an intact case verifies" tg -C c verify
contains out "ok: yes" "verify says ok"
expect 0 "verify --json" tg -C c verify --json
check "--json says ok with no problems" test "$(json out 'd["ok"] and d["problem_count"] == 0')" = True
check "verify logged itself" sh -c "tail -n 1 c/custody.log | grep -q '\"action\":\"verify\"'"

# one flipped byte in an object
make_case c
o=$(obj_of c "$SAMPLES/pic1/IMG_1054.JPG")
chmod u+w "$o"
printf '\377' | dd of="$o" bs=1 seek=5000 conv=notrunc 2>/dev/null
chmod 444 "$o"
expect 1 "one flipped byte is detected" tg -C c verify
contains err "IMG_1054.JPG): the copy's SHA-256 is now" "the altered item is named"

# a deleted object
make_case c
o=$(obj_of c "$SAMPLES/pic2/d-debian.png")
rm -f "$o"
expect 1 "a deleted object is detected" tg -C c verify
contains err "d-debian.png): the evidentiary copy" "the missing item is named"

# a writable object
make_case c
o=$(obj_of c "$SAMPLES/pic2/d-debian.png")
chmod 644 "$o"
expect 1 "a writable object is reported" tg -C c verify
contains err "is writable" "writable copy reported"

# an edited log line (the details of entry 2)
make_case c
sed -i '2s/VID_20191220_170832.mp4/VID_20191221_170832.mp4/' c/custody.log
expect 1 "an edited log line is detected" tg -C c verify
contains err "custody.log line 2: hash mismatch" "the edited line is named"

# a deleted log line
make_case c
sed -i '3d' c/custody.log
expect 1 "a deleted log line is detected" tg -C c verify
contains err "line 3: seq 4 where 3 was expected" "the gap is named"

# an inserted log line (a copy of line 2)
make_case c
sed -i '2p' c/custody.log
expect 1 "an inserted log line is detected" tg -C c verify
contains err "line 3: seq 2 where 3 was expected" "the inserted line is named"

# two lines swapped
make_case c
awk 'NR == 2 { held = $0; next } NR == 3 { print; print held; next } 1' c/custody.log > log.tmp
cat log.tmp > c/custody.log
expect 1 "reordered log lines are detected" tg -C c verify
contains err "line 2: seq 3 where 2 was expected" "the reordering is named"

# a wrong signature: re-sign line 2 with another key (the hash is still right)
make_case c
tg init other >/dev/null
python3 - c/custody.log other/keys/case.key <<'PY'
import json, subprocess, sys
path, key = sys.argv[1], sys.argv[2]
lines = open(path, 'rb').read().split(b'\n')
line = lines[1]
body, suffix = line[:-212], line[-212:]
digest = bytes.fromhex(json.loads(line)["hash"])
open('digest.bin', 'wb').write(digest)
sig = subprocess.run(['openssl', 'pkeyutl', '-sign', '-inkey', key, '-rawin', '-in', 'digest.bin'],
                     capture_output=True, check=True).stdout.hex()
lines[1] = body + (',"hash":"%s","sig":"%s"}' % (json.loads(line)["hash"], sig)).encode()
open(path, 'wb').write(b'\n'.join(lines))
PY
expect 1 "a signature by another key is detected" tg -C c verify
contains err "line 2: bad signature" "the badly signed line is named"

# the whole tail of the log removed (the catalog remembers it)
make_case c
head -n 3 c/custody.log > log.tmp && cat log.tmp > c/custody.log
expect 1 "a truncated log is detected" tg -C c verify
contains err "missing from the log" "catalog entries missing from the log are reported"

# a catalog row edited behind testigo's back
make_case c
sqlite3 c/case.db "UPDATE findings SET result = replace(result, 'Canon', 'Nikon')"
expect 1 "an edited stored result is detected" tg -C c verify
contains err "the catalog was edited" "the edited finding is reported"

# a stray file dropped into objects/
make_case c
mkdir -p c/objects/00 && echo planted > c/objects/00/planted
expect 1 "a stray object file is detected" tg -C c verify
contains err "objects/00/planted is not a catalogued item" "the stray file is named"

# the documented third-party check (docs/custody-log.md) agrees
make_case c
check "docs/custody-log.md checker accepts an intact log" \
	python3 "$TESTIGO_ROOT/scripts/check-custody-log" c/custody.log c/keys/case.pub
sed -i '2s/"root"/"mallory"/; 2s/"tester"/"mallory"/' c/custody.log
if python3 "$TESTIGO_ROOT/scripts/check-custody-log" c/custody.log c/keys/case.pub >/dev/null 2>&1; then
	notok "the independent checker rejects an edited log"
else
	ok "the independent checker rejects an edited log"
fi
