# Interrupted and failing adds: kill -9 mid-copy, a full disk, a file-size
# limit, a catalog that lost rows.  Afterwards the case always verifies and
# holds no half-written object and no orphan row.
. "$TESTIGO_ROOT/tests/cli/lib.sh"

tg init case >/dev/null
export TESTIGO_CASE=$PWD/case
head -c 300000000 /dev/urandom > big.bin

clean_tmp() {
	# leftovers of a killed add are removed by the next command that opens the case
	tg ls >/dev/null 2>&1
	test -z "$(ls case/objects/tmp)"
}

for delay in 0.05 0.2 0.4 0.7 1.0; do
	"$TESTIGO" add big.bin >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	check "kill -9 after ${delay}s: no staged copy left behind" clean_tmp
	expect 0 "kill -9 after ${delay}s: the case verifies" tg verify
	n=$(tg ls --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
	acq=$(grep -c '"action":"acquire"' case/custody.log)
	check "kill -9 after ${delay}s: catalog ($n items) matches the log ($acq acquisitions)" \
		test "$n" -le "$acq"
done
expect 0 "after the kills the file can still be added" tg add big.bin
expect 0 "and the case verifies" tg verify

# a catalog that lost its latest rows (a crash between log and catalog) is rebuilt
tg add "$SAMPLES/pic1/IMG_1054.JPG" "$SAMPLES/pic2/d-debian.png" >/dev/null
sqlite3 case/case.db "DELETE FROM findings WHERE seq > 3; DELETE FROM acquisitions WHERE seq > 3;
  DELETE FROM items WHERE added_seq > 3; DELETE FROM custody WHERE seq > 3;"
expect 0 "a catalog behind the log is replayed on open" tg ls --json
check "replay restored every item" test "$(json out 'len(d["items"])')" -ge 3
expect 0 "the replayed case verifies" tg verify

# an acquired copy still staged when the process died is moved into place
s=$(sha256sum "$SAMPLES/pic1/IMG_1054.JPG" | cut -c1-64)
o=case/objects/$(echo "$s" | cut -c1-2)/$(echo "$s" | cut -c3-)
mv "$o" "case/objects/tmp/$s-abcdef.staged"
sqlite3 case/case.db "DELETE FROM findings WHERE seq > 3; DELETE FROM acquisitions WHERE seq > 3;
  DELETE FROM items WHERE added_seq > 3; DELETE FROM custody WHERE seq > 3;"
expect 0 "replay commits a staged copy that the log acquired" tg verify
check "the object is back in place" test -f "$o"

# a staged copy that was never logged is removed, not kept as evidence
cp "$SAMPLES/pic1/debian.png" case/objects/tmp/0000000000000000000000000000000000000000000000000000000000000000-zzzzzz.staged
expect 0 "an unlogged staged copy is dropped" tg verify
check "objects/tmp is empty" test -z "$(ls case/objects/tmp)"

# an acquisition logged but not applied (its object cannot be moved into
# place: the shard folder is blocked by a file) keeps its staged copy, and
# the next open moves it into place instead of losing the evidence
while :; do
	head -c 100000 /dev/urandom > blocked.bin
	b=$(sha256sum blocked.bin | cut -c1-64)
	shard=case/objects/$(echo "$b" | cut -c1-2)
	[ -e "$shard" ] || break
done
: > "$shard"
expect 4 "an object that cannot be moved into place is a clear error" tg add blocked.bin
contains err "blocked.bin: acquired in the custody log" "the message names the file and says it is logged"
contains err "cannot move into place" "the message says what failed"
check "the logged copy is kept for the replay" test -n "$(ls case/objects/tmp)"
rm "$shard"
expect 0 "the next open moves it into place; the case verifies" tg verify
check "the object is in place" test -f "$shard/$(echo "$b" | cut -c3-)"
check "nothing is left staged" test -z "$(ls case/objects/tmp)"

# a file-size limit hit mid-copy (as a full quota would)
head -c 30000000 /dev/urandom > medium.bin
expect 4 "a write limit mid-copy is a clear error" sh -c 'ulimit -f 20000; "$TESTIGO" add medium.bin'
contains err "medium.bin: cannot copy into the case" "the message names the file"
contains err "File too large" "the message says why"
check "no staged copy left after the failure" test -z "$(ls case/objects/tmp)"
expect 0 "the case verifies after the failed add" tg verify

# a full disk: a case on a 5 MiB tmpfs (needs root for the mount)
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
	mkdir small
	head -c 3000000 /dev/urandom > three.bin
	cat > full.sh <<'SH'
set -e
mount -t tmpfs -o size=5m tmpfs small
"$TESTIGO" init small/case >/dev/null
export TESTIGO_CASE=$PWD/small/case
"$TESTIGO" add three.bin > add1.out 2>&1
set +e
"$TESTIGO" add medium.bin > add2.out 2> add2.err; echo $? > add2.rc
"$TESTIGO" verify > verify.out 2>&1; echo $? > verify.rc
ls small/case/objects/tmp > tmp.ls
"$TESTIGO" ls --json > ls.json
SH
	unshare -m sh full.sh
	check "disk full: add fails with the case error code" test "$(cat add2.rc)" = 4
	contains add2.err "No space left on device" "disk full: the message says why"
	contains add2.err "medium.bin" "disk full: the message names the file"
	check "disk full: the case still verifies" test "$(cat verify.rc)" = 0
	check "disk full: nothing half-written is left" test ! -s tmp.ls
	check "disk full: the earlier item is intact" test "$(json ls.json 'len(d["items"])')" = 1
else
	skip "full disk on a small tmpfs (needs root and mount namespaces)"
fi
