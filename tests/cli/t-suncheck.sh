# testigo sun --item: the claimed time and place against the sun and the footage
. "$TESTIGO_ROOT/tests/cli/lib.sh"

tg init case >/dev/null
export TESTIGO_CASE=$PWD/case
# night footage (near black) claiming Lima at 12:00 local (17:00Z): inconsistent
ffmpeg -v error -f lavfi -i "color=c=0x080808:size=320x240:rate=10" -t 3 -c:v mpeg4 \
	-metadata location="-12.0464-077.0428/" -metadata creation_time=2020-11-12T17:00:00Z dark-noon.mp4
# bright footage claiming Lima at 00:30 local (05:30Z): inconsistent
ffmpeg -v error -f lavfi -i "color=c=0xd0d0d0:size=320x240:rate=10" -t 3 -c:v mpeg4 \
	-metadata location="-12.0464-077.0428/" -metadata creation_time=2020-11-13T05:30:00Z bright-night.mp4
# bright footage at noon: consistent
ffmpeg -v error -f lavfi -i "testsrc=size=320x240:rate=10" -t 3 -c:v mpeg4 \
	-metadata location="-12.0464-077.0428/" -metadata creation_time=2020-11-12T17:00:00Z day.mp4
tg add dark-noon.mp4 bright-night.mp4 day.mp4 "$SAMPLES/pic1/IMG-20191006-WA0002.jpg" >/dev/null

expect 0 "sun --item on night footage claimed at noon" tg sun --item 1 --json
check "flagged inconsistent" test "$(json out 'd["consistency"]')" = inconsistent
check "the sun was high (elevation > 60)" test "$(json out 'int(d["elevation_deg"] > 60)')" = 1
check "the numbers are given" test "$(json out 'd["footage_dark_fraction"] > 0.9')" = True
check "inputs say where they came from" test "$(json out 'd["params"]["position_source"]')" = "container:location (ISO 6709)"
expect 0 "sun --item on daylight footage claimed at night" tg sun --item 2 --json
check "flagged inconsistent" test "$(json out 'd["consistency"]')" = inconsistent
check "phase night" test "$(json out 'd["phase"]')" = night
expect 0 "sun --item on daylight footage at noon" tg sun --item 3 --json
check "consistent" test "$(json out 'd["consistency"]')" = consistent
check "shadow direction given for drawing" test "$(json out 'd["shadow_azimuth_deg"] >= 0')" = True

expect 2 "an item without GPS needs --lat/--lon" tg sun --item 4
contains err "has no GPS position in its metadata; give --lat and --lon" "the message says what to give"
expect 0 "given position and time override missing metadata" \
	tg sun --item 4 --lat -12.0464 --lon -77.0428 --time 2020-11-12T21:30-05:00 --json
check "given inputs are marked as given" test "$(json out 'd["params"]["time_source"]')" = given
expect 2 "--item with --date is a usage error" tg sun --item 1 --date 2020-11-12
expect 2 "an unknown item" tg sun --item 99

expect 0 "the checks are findings" tg show 1 --json
check "sun finding recorded" test "$(json out 'len([f for f in d["findings"] if f["analyser"] == "sun"])')" = 1
# the finding survives a catalog that lost it (its result travels in the log)
n=$(sqlite3 case/case.db "SELECT min(seq) FROM findings WHERE analyser = 'sun'")
sqlite3 case/case.db "DELETE FROM findings WHERE seq >= $n; DELETE FROM custody WHERE seq >= $n"
expect 0 "after losing catalog rows the case is replayed" tg show 1 --json
check "the sun finding is back" test "$(json out 'len([f for f in d["findings"] if f["analyser"] == "sun"])')" = 1
expect 0 "and verifies" tg verify
