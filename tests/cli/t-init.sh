# testigo init, case lookup, help and usage errors
. "$TESTIGO_ROOT/tests/cli/lib.sh"

expect 0 "init creates a case" tg init case
for f in case/case.db case/custody.log case/keys/case.key case/keys/case.pub; do
	check "init made $f" test -f "$f"
done
check "objects and derived folders exist" test -d case/objects -a -d case/derived
check "private key is 0600" test "$(stat -c %a case/keys/case.key)" = 600
contains out "public_key:" "init prints the public key"

expect 4 "init refuses an existing case" tg init case
contains err "already a testigo case" "init says the case exists"
mkdir full && touch full/x
expect 4 "init refuses a non-empty folder" tg init full
contains err "full: folder is not empty" "the message names the folder"

expect 0 "-C finds the case" tg -C case ls
mkdir -p case/derived/sub
expect 0 "walking up from a subfolder finds the case" sh -c 'cd case/derived/sub && "$TESTIGO" ls'
expect 0 "TESTIGO_CASE finds the case" env TESTIGO_CASE="$PWD/case" "$TESTIGO" ls
expect 4 "outside a case: case error" sh -c 'cd / && "$TESTIGO" ls'
contains err "not inside a testigo case" "the message explains the lookup"
expect 4 "-C on a non-case folder" tg -C full ls
contains err "full: not a testigo case" "the message names the folder"

expect 0 "--version" tg --version
contains out "testigo " "version printed"
expect 0 "help lists commands" tg help
contains out "verify" "help lists verify"
expect 0 "help COMMAND" tg help add
contains out "usage: testigo add" "help add shows its usage"
expect 2 "unknown command is a usage error" tg frobnicate
contains err "'frobnicate' is not a testigo command" "unknown command named"
expect 2 "help of an unknown command" tg help frobnicate
expect 2 "add without files is a usage error" tg -C case add
expect 2 "unknown option is a usage error" tg -C case ls --bogus
expect 0 "init --json" tg init --json case2
check "init --json is JSON with the key" sh -c "python3 -c 'import json;d=json.load(open(\"out\"));assert len(d[\"public_key\"])==64'"
expect 4 "add outside a case is a case error" sh -c 'cd / && "$TESTIGO" add /etc/hostname'
contains err "not inside a testigo case" "add outside a case explains the lookup"
