# testigo pdq / vpdq / tmk / keyframes: reference formats on the conformance
# files, JSON, errors that name the file, exit codes.
. "$TESTIGO_ROOT/tests/cli/lib.sh"

CONF=${TG_CONFORMANCE:-$TESTIGO_ROOT/../shared/conformance}
PIX=$CONF/pdq/pixels
VID=$CONF/video

# --- pdq: the pixel vectors hash bit-exactly (PNG decodes are exact) -------
if [ -f "$PIX/expected.csv" ]; then
	n=0 bad=0
	tail -n +2 "$PIX/expected.csv" | cut -d, -f1,4,5 | head -n 40 > want.csv
	while IFS=, read -r f hash q; do
		[ -f "$PIX/$f" ] || continue
		got=$(tg pdq --no-resize "$PIX/$f" 2>/dev/null)
		n=$((n + 1))
		[ "$got" = "$hash,$q,$PIX/$f" ] || { bad=$((bad + 1)); echo "    $f: $got (want $hash,$q)"; }
	done < want.csv
	if [ "$n" -gt 0 ] && [ "$bad" -eq 0 ]; then ok "pdq: $n pixel vectors identical to the reference"; else notok "pdq: $bad of $n vectors differ"; fi
	f1=$(tail -n +2 "$PIX/expected.csv" | head -n 1 | cut -d, -f1)
	expect 0 "pdq --json --dihedral" tg pdq --json --dihedral --no-resize "$PIX/$f1"
	[ "$(json out "len(d['files'][0]['hash']) == 64 and len(d['files'][0]['dihedral']) == 7")" = True ] \
		&& ok "pdq json fields" || notok "pdq json fields"
else
	skip "pdq pixel vectors: conformance folder not found"
fi
expect 3 "pdq: a missing file is an input error" tg pdq no-such-file.png
contains err "no-such-file.png" "pdq: the error names the file"
printf 'not an image' > junk.png
expect 3 "pdq: a file that is not an image" tg pdq junk.png
contains err "junk.png" "pdq: the error names the junk file"
expect 2 "pdq: no file is a usage error" tg pdq
expect 0 "pdq: a real phone photo" tg pdq "$SAMPLES"/pic1/*.jpg
[ "$(head -n 1 out | tr ',' '\n' | wc -l)" -ge 3 ] && ok "pdq: hash,quality,filename lines" || notok "pdq line format"

# --- vpdq / tmk on a conformance video ------------------------------------
V=$VID/videos/doorknob-hd-no-bar.mp4
if [ -f "$V" ]; then
	expect 0 "vpdq --every-frame" tg vpdq --every-frame "$V"
	[ "$(wc -l < out)" -eq "$(wc -l < "$VID/expected/vpdq/doorknob-hd-no-bar.txt")" ] \
		&& ok "vpdq: as many lines as the reference" || notok "vpdq line count"
	cut -d, -f1,4 out > mine.txt; cut -d, -f1,4 "$VID/expected/vpdq/doorknob-hd-no-bar.txt" > ref.txt
	check "vpdq: frame numbers and timestamps identical to the reference" cmp -s mine.txt ref.txt
	expect 0 "vpdq: one frame a second by default" tg vpdq "$V"
	[ "$(wc -l < out)" -eq 4 ] && ok "vpdq: 4 lines for 4 s at 30 fps" || notok "vpdq default sampling ($(wc -l < out) lines)"
	contains out "30," "vpdq: frame 30 is the second line"
	expect 0 "vpdq --json" tg vpdq --json "$V"
	[ "$(json out "d['every_nth_frame']")" = 30 ] && ok "vpdq json every_nth_frame" || notok "vpdq json"
	expect 0 "tmk -o" tg tmk "$V" -o d.tmk
	[ "$(stat -c %s d.tmk)" -eq 263344 ] && ok "tmk: reference file size" || notok "tmk size"
	expect 0 "tmk-score against the reference .tmk" tg tmk-score --json d.tmk "$VID/expected/tmk/doorknob-hd-no-bar.tmk"
	[ "$(json out "d['level1'] >= 0.99 and d['level2'] >= 0.99")" = True ] && ok "tmk: scores >= 0.99 against the reference" || notok "tmk scores: $(cat out)"
	expect 2 "tmk without -o is a usage error" tg tmk "$V"
	expect 3 "tmk: an unreadable output folder" tg tmk "$V" -o /nonexistent/dir/x.tmk
else
	skip "vpdq/tmk: conformance videos not found"
fi
head -c 3000 /dev/urandom > junk.mp4
expect 3 "vpdq: not a video" tg vpdq junk.mp4
contains err "junk.mp4" "vpdq: the error names the file"
expect 2 "vpdq: bad --seconds" tg vpdq --seconds -1 x.mp4

# --- keyframes: three shots made from real footage -------------------------
P=$SAMPLES/movie2/movie-hello.mp4
if [ -f "$P" ] && [ -f "$V" ]; then
	ffmpeg -nostdin -v error -y -i "$P" -i "$V" -filter_complex \
		"[0:v]scale=640:360,setsar=1,fps=25,trim=duration=5[a];[1:v]scale=640:360,setsar=1,fps=25[b];[a][b]concat=n=2:v=1[v]" \
		-map "[v]" -c:v libx264 -preset veryfast -pix_fmt yuv420p two.mp4
	expect 0 "keyframes -o" tg keyframes two.mp4 -o kf --json
	[ "$(json out "d['shot_count']")" = 2 ] && ok "keyframes: 2 shots" || notok "keyframes shots: $(cat out)"
	[ "$(json out "abs(d['keyframes'][1]['shot_range_s'][0] - 5.0) <= 0.25")" = True ] && ok "keyframes: the cut at 5 s" || notok "keyframes cut time"
	n=$(ls kf/*.jpg 2>/dev/null | wc -l)
	[ "$n" -eq "$(json out "len(d['keyframes'])")" ] && [ "$n" -ge 2 ] && ok "keyframes: one JPEG per keyframe ($n)" || notok "keyframes jpegs ($n)"
	first=$(json out "d['keyframes'][0]['file']")
	case "$first" in 00-00-0*.jpg) ok "keyframes: named by time ($first)";; *) notok "keyframes name $first";; esac
	[ "$(tg pdq --no-resize "kf/$first" | cut -c1-4)" != "" ] && ok "keyframes: the JPEG decodes" || notok "keyframes jpeg"
fi
expect 3 "keyframes: missing file" tg keyframes nothing.mp4
# the readers of lib/media share one opening check (media/open.h): a folder,
# an empty file and a device are told apart, and the message names the file
mkdir -p afolder.mp4
: > empty.mp4
expect 3 "vpdq: a folder" tg vpdq afolder.mp4
contains err "afolder.mp4: is a folder, not a file" "vpdq: says it is a folder"
expect 3 "keyframes: an empty file" tg keyframes empty.mp4
contains err "empty.mp4: empty file" "keyframes: says the file is empty"
: > empty.png
expect 3 "pdq: an empty file" tg pdq empty.png
contains err "empty.png: empty file" "pdq: says the file is empty"
expect 3 "tmk: a device" tg tmk /dev/null -o out.tmk
contains err "/dev/null: not a regular file" "tmk: says it is not a regular file"
[ ! -e out.tmk ] && ok "tmk: nothing written after the failure" || notok "tmk wrote out.tmk"
expect 2 "keyframes: bad --every" tg keyframes --every 0 x.mp4
