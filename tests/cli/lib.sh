# lib.sh - helpers for the CLI tests.  Source it; run in a scratch folder.
#
#   tg ARGS...                 run testigo (through $TESTIGO_WRAP if set)
#   expect CODE DESC CMD...    run CMD, check its exit code; output in out/err
#   contains FILE TEXT DESC    FILE contains TEXT
#   ok DESC / notok DESC / skip DESC

SAMPLES=/usr/share/forensics-samples/original-files
GOEXIF=/usr/share/gocode/src/github.com/rwcarlsen/goexif/exif/samples
export TESTIGO_ACTOR=tester

tg() {
	# shellcheck disable=SC2086
	$TESTIGO_WRAP "$TESTIGO" "$@"
}

ok() { echo "ok $*"; }
notok() { echo "not ok $*"; }
skip() { echo "skip $*"; }

check() { # DESC CMD...: ok when CMD succeeds
	desc=$1; shift
	if "$@"; then ok "$desc"; else notok "$desc"; fi
}

expect() { # CODE DESC CMD...
	code=$1 desc=$2; shift 2
	"$@" >out 2>err
	rc=$?
	if [ "$rc" -eq "$code" ]; then
		ok "$desc"
	else
		notok "$desc (exit $rc, expected $code)"
		sed 's/^/    stdout: /' out | head -n 15
		sed 's/^/    stderr: /' err | head -n 15
	fi
}

contains() { # FILE TEXT DESC
	if grep -qF -- "$2" "$1"; then ok "$3"; else
		notok "$3 (no \"$2\" in $1)"
		sed 's/^/    /' "$1" | head -n 15
	fi
}

lacks() { # FILE TEXT DESC
	if grep -qF -- "$2" "$1"; then notok "$3 (\"$2\" found in $1)"; else ok "$3"; fi
}

# json FILE EXPR: print a Python expression evaluated on the JSON document d
json() {
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"
}
