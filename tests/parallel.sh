# parallel.sh - sourced by the test runners (run-unit, run-cli, run-fuzz):
# run one command per item side by side, and read the results back in list
# order, so that a runner's report is the same whatever finished first.
# (CI has two cores and a 30-minute budget: one test at a time, make check
# took 33 minutes.)

# results_dir NAME: a fresh folder for the results in $res, removed when
# the runner exits.  Mode 711, as /tmp: a CLI test may run a step as
# another user in its scratch folder.
results_dir() {
	res=$(mktemp -d "${TMPDIR:-/tmp}/tg-run-$1-XXXXXX") || exit 2
	chmod 711 "$res"
	trap 'chmod -R u+w "$res" 2>/dev/null; rm -rf "$res"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# run_parallel COMMAND ITEM...: COMMAND (shell text, the item as "$1") once
# per item, as many at once as TG_TEST_JOBS says (default: the processors
# there are); each with a TMPDIR of its own inside $res, so that what a test
# leaves there goes with it.
run_parallel() {
	_cmd=$1
	shift
	_jobs=${TG_TEST_JOBS:-$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}
	_k=0
	for _item in "$@"; do
		_k=$((_k + 1))
		printf '%s\0%s\0' "$res/$_k" "$_item"
	done | xargs -0 -r -n 2 -P "$_jobs" sh -c '
		out=$1; shift
		TMPDIR=$out.tmp; export TMPDIR
		mkdir -p "$TMPDIR"
		( '"$_cmd"'
		) >"$out.out" 2>&1 </dev/null
		echo $? >"$out.rc"' run-parallel
}

# result K: the K-th item's output in $out and its exit status in $rc ("?"
# if it never finished)
result() {
	out=$(cat "$res/$1.out" 2>/dev/null)
	rc=$(cat "$res/$1.rc" 2>/dev/null || echo "?")
}
