# testigo sync: conformance pairs, a generated cut with another codec, an
# unrelated pair, three items on one timeline, and the error paths.
. "$TESTIGO_ROOT/tests/cli/lib.sh"

C=$TESTIGO_ROOT/../shared/conformance/audio/sync
if [ ! -d "$C" ]; then
	skip "conformance audio not found: sync checks skipped"
	exit 0
fi

expect 0 "sync a conformance pair (AAC 44.1 kHz vs its cut)" tg sync --json "$C/p01_A.mp4" "$C/p01_B.mp4"
check "aligned" test "$(json out 'd["aligned"]')" = True
check "offset within 1 ms of -3.217 s" python3 -c "
import json; d = json.load(open('out')); raise SystemExit(0 if abs(d['offset_s'] + 3.217) <= 0.001 else 1)"
check "json has the issue's fields" python3 -c "
import json; d = json.load(open('out'))
need = {'aligned', 'offset_s', 'confidence', 'drift_ppm', 'overlap_a_s', 'overlap_b_s'}
raise SystemExit(0 if need <= set(d) and len(d['overlap_a_s']) == 2 else 1)"
contains out "3 ms per metre" "the note about sound travel"

expect 0 "80 ppm drift" tg sync --json "$C/p11_A.mp4" "$C/p11_B.mp4"
check "drift measured within 10 ppm" python3 -c "
import json; d = json.load(open('out')); raise SystemExit(0 if abs(d['drift_ppm'] - 80) <= 10 else 1)"

# three recordings, one with a drifting clock: the timeline carries the drift
ffmpeg -nostdin -v error -ss 4 -t 16 -i "$C/p11_A.mp4" -vn -c:a aac -b:a 96k cutA.m4a
expect 0 "three recordings, one drifting" tg sync --json "$C/p11_A.mp4" "$C/p11_B.mp4" cutA.m4a
check "the drifting one runs ~80 ppm fast on the common timeline" python3 -c "
import json; r = json.load(open('out'))['recordings']
raise SystemExit(0 if abs(r[1]['drift_ppm'] - 80) <= 10 and abs(r[1]['offset_s'] + 4.44) <= 0.002 else 1)"
check "the cut of the reference does not drift and sits at -4 s" python3 -c "
import json; r = json.load(open('out'))['recordings']
raise SystemExit(0 if abs(r[2]['drift_ppm']) <= 10 and abs(r[2]['offset_s'] + 4.0) <= 0.001 else 1)"
check "each aligned pair reports its measured drift" python3 -c "
import json; p = json.load(open('out'))['pairs']
raise SystemExit(0 if all(q['aligned'] and isinstance(q['drift_ppm'], (int, float)) for q in p) else 1)"

expect 0 "an unrelated pair" tg sync --json "$C/p12_A.mp4" "$C/p12_B.mp4"
check "not aligned" test "$(json out 'd["aligned"]')" = False
check "offset is null" test "$(json out 'd["offset_s"]')" = None
contains out "no reliable alignment" "says so explicitly"
expect 0 "text output" tg sync "$C/p12_A.mp4" "$C/p12_B.mp4"
contains out "no reliable alignment" "text says so too"

# generated: B = A from 6.25 s on, Opus at 24 kb/s, 16 kHz, 6 dB quieter
ffmpeg -nostdin -v error -ss 6.25 -i "$C/p05_A.mp4" -vn -af volume=-6dB -ar 16000 -c:a libopus -b:a 24k cut.ogg
if [ -f cut.ogg ]; then
	expect 0 "sync against a generated Opus cut" tg sync --json "$C/p05_A.mp4" cut.ogg
	check "offset within 5 ms of -6.25 s (codec delay compensated by the container)" python3 -c "
import json; d = json.load(open('out')); raise SystemExit(0 if d['aligned'] and abs(d['offset_s'] + 6.25) <= 0.005 else 1)"
else
	skip "ffmpeg without libopus: generated cut skipped"
fi

# a stereo recording whose second channel is the first inverted (a
# microphone wired in reverse): the mean of the two is silence; mixed as
# their difference (media/downmix.h) it aligns like the mono original
ffmpeg -nostdin -v error -ss 6.25 -i "$C/p05_A.mp4" -vn -af "pan=stereo|c0=c0|c1=-1*c0" -c:a pcm_s16le inv.wav
expect 0 "sync against a cut with an inverted channel" tg sync --json "$C/p05_A.mp4" inv.wav
check "inverted channel: aligned within 1 ms of -6.25 s" python3 -c "
import json; d = json.load(open('out')); raise SystemExit(0 if d['aligned'] and abs(d['offset_s'] + 6.25) <= 0.001 else 1)"

tg init case >/dev/null
expect 0 "add three recordings" tg -C case add "$C/p01_A.mp4" "$C/p01_B.mp4" "$C/p12_B.mp4"
expect 0 "sync two items (signatures from the catalog)" tg -C case sync --json 1 2
check "items aligned like the files" python3 -c "
import json; d = json.load(open('out')); raise SystemExit(0 if abs(d['offset_s'] + 3.217) <= 0.001 else 1)"
expect 0 "sync three items: one timeline" tg -C case sync --json 1 2 3
check "item 2 sits at -3.217 s on item 1's timeline" python3 -c "
import json; d = json.load(open('out')); r = d['recordings']
raise SystemExit(0 if abs(r[1]['offset_s'] + 3.217) <= 0.001 and r[1]['group'] == r[0]['group'] else 1)"
check "the unrelated item is a group of its own" python3 -c "
import json; d = json.load(open('out')); r = d['recordings']
raise SystemExit(0 if r[2]['group'] != r[0]['group'] else 1)"
check "no inconsistent pairs" test "$(json out 'd["inconsistent_pairs"]')" = 0
expect 0 "a file against an item" tg -C case sync --json "$C/p01_A.mp4" 2
check "file and item aligned" test "$(json out 'd["aligned"]')" = True

expect 3 "missing file" tg sync no-such.mp4 "$C/p01_A.mp4"
contains err "no-such.mp4" "the message names the file"
ffmpeg -nostdin -v error -f lavfi -i testsrc=duration=1:size=64x64:rate=10 -an silent.mp4
expect 3 "a video without audio" tg sync silent.mp4 "$C/p01_A.mp4"
contains err "no audio" "says the file has no audio"
expect 3 "an item that does not exist" tg -C case sync 1 99
contains err "99" "names the missing item"
expect 2 "one argument" tg sync "$C/p01_A.mp4"
expect 2 "unknown option" tg sync --fast "$C/p01_A.mp4" "$C/p01_B.mp4"

# every item of an incident on one timeline
tg -C case incident new --title "one scene" >/dev/null
tg -C case incident link 1 1 2 >/dev/null
expect 0 "sync --incident aligns the incident's items" tg -C case sync --incident 1 --json
check "the incident's two recordings are aligned" test "$(json out 'd["aligned"]')" = True
expect 2 "an incident with fewer than two items" tg -C case sync --incident 9
contains err "at least two are needed" "says why"
expect 2 "--incident with other recordings is a usage error" tg -C case sync --incident 1 1
