# testigo match: the robustness suite (tests/robustness/match-suite: every
# transformed copy found, nothing unrelated matched), item queries, the
# findings `testigo add` records, JSON and exit codes.
. "$TESTIGO_ROOT/tests/cli/lib.sh"

CONF=${TG_CONFORMANCE:-$TESTIGO_ROOT/../shared/conformance}
VID=$CONF/video/videos

TESTIGO="$TESTIGO" sh "$TESTIGO_ROOT/tests/robustness/match-suite" suite > suite.out 2>&1
rc=$?
if grep -q '^skip' suite.out; then
	skip "match-suite: $(grep '^skip' suite.out)"
else
	sed 's/^/    /' suite.out
	if [ $rc -eq 0 ]; then ok "match-suite: $(grep '^recall' suite.out)"; else notok "match-suite: $(grep '^recall' suite.out)"; fi
fi

if [ ! -d "$VID" ]; then
	skip "match: conformance videos not found"
	exit 0
fi
tg init case >/dev/null
export TESTIGO_CASE=$PWD/case
expect 0 "add four conformance videos" tg add "$VID/chair-orig-22-sd-bar.mp4" "$VID/chair-19-sd-bar.mp4" \
	"$VID/chair-22-with-large-logo-bar.mp4" "$VID/doorknob-hd-no-bar.mp4"
expect 0 "show item 1" tg show 1 --json
for a in vpdq tmk keyframes; do
	[ "$(json out "any(f['analyser'] == '$a' and f['status'] == 'ok' for f in d['findings'])")" = True ] \
		&& ok "add recorded the $a finding" || notok "add: no $a finding"
done
sha=$(json out "d['sha256']")
check "derived .tmk written" test -s "case/derived/$sha/tmk/$sha.tmk"
check "derived vPDQ lines written" test -s "case/derived/$sha/vpdq/$sha.txt"
check "derived keyframes written" sh -c "ls case/derived/$sha/keyframes/*.jpg >/dev/null"

expect 0 "match ITEM (chair-19, a sub-clip)" tg match 2 --json
[ "$(json out "[m['item'] for m in d['matches'] if m['kind'] == 'subclip'] == [1, 3] or sorted(m['item'] for m in d['matches']) == [1, 3]")" = True ] \
	&& ok "chair-19 matches chair-22 and its logo copy" || notok "chair-19 matches: $(json out "[(m['item'], m['kind']) for m in d['matches']]")"
[ "$(json out "all(m['item'] != 4 for m in d['matches'])")" = True ] && ok "doorknob does not match" || notok "false match with doorknob"
expect 0 "match FILE (chair-20, not in the case)" tg match "$VID/chair-20-sd-bar.mp4" --json
[ "$(json out "d['query']['file'].endswith('chair-20-sd-bar.mp4') and d['query']['media_type'] == 'video'")" = True ] && ok "query section" || notok "query section"
m1=$(json out "[m for m in d['matches'] if m['item'] == 1][0]")
[ "$(json out "(lambda m: m['kind'] in ('near-duplicate', 'subclip') and len(m['query_range_s']) == 2 and len(m['item_range_s']) == 2 and 0 < m['score'] <= 1 and m['tmk_level2'] > 0.9)([m for m in d['matches'] if m['item'] == 1][0])")" = True ] \
	&& ok "chair-20 vs chair-22: kind, ranges, score, TMK" || notok "chair-20 vs 1: $m1"
[ "$(json out "'distance_max' in d['thresholds'] and d['thresholds']['quality_min'] == 50")" = True ] && ok "thresholds in the output" || notok "thresholds"
expect 0 "match: the same file as item 4" tg match "$VID/doorknob-hd-no-bar.mp4" --json
[ "$(json out "d['matches'][0]['kind'] == 'duplicate' and d['matches'][0]['item'] == 4")" = True ] && ok "duplicate by SHA-256" || notok "duplicate: $(cat out)"
expect 0 "match: text output" tg match 2
contains out "matches:" "text output lists matches"
expect 3 "match: a missing file" tg match ./no-such.mp4
contains err "no-such.mp4" "match: the error names the file"
expect 4 "match: no such item" tg match 99
expect 2 "match: no argument" tg match
unset TESTIGO_CASE
mkdir empty && cd empty
expect 4 "match outside a case" tg match 1
