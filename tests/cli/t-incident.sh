# incidents, verification records, tags and notes: every change logged, bad input refused
. "$TESTIGO_ROOT/tests/cli/lib.sh"

tg init c >/dev/null
export TESTIGO_CASE=$PWD/c
tg add --no-analyse "$SAMPLES"/movie1/VID_20191220_170832.mp4 "$SAMPLES"/pic1/IMG_1054.JPG >/dev/null
last_action() { tail -n 1 c/custody.log | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["action"])'; }
lines() { wc -l < c/custody.log; }

# incidents
expect 0 "incident new" tg incident new --title "Shots near the court" --place "Lima" \
	--lat -12.0552 --lon -77.0311 --start 2020-11-12T21:00-05:00 --end 2020-11-12T23:30-05:00
contains out "incident: 1" "the first incident is number 1"
check "incident new is logged" test "$(last_action)" = incident
expect 2 "incident new without --title" tg incident new --place Lima
contains err "--title is required" "the missing title is named"
expect 2 "a start time without UTC offset is refused" tg incident new --title x --start 2020-11-12T21:00
contains err "has no UTC offset" "the missing offset is explained"
expect 2 "a bad latitude is refused" tg incident new --title x --lat 95 --lon 0
expect 2 "--lat without --lon is refused" tg incident new --title x --lat 5
expect 2 "end before start is refused" tg incident new --title x --start 2020-11-13 --end 2020-11-12
expect 2 "an unknown subcommand" tg incident frobnicate
expect 0 "incident ls --json" tg incident ls --json
check "incident ls lists one incident" test "$(json out 'len(d["incidents"])')" = 1
expect 0 "incident ls --csv" tg incident ls --csv
contains out "incident,title" "CSV header"

# links
n=$(lines)
expect 0 "link two items" tg incident link 1 1 2
check "one custody entry per linked item" test "$(lines)" -eq $((n + 2))
check "link is logged" test "$(last_action)" = link
n=$(lines)
expect 0 "linking again changes nothing" tg incident link 1 1 --json
check "no entry for an unchanged link" test "$(lines)" -eq "$n"
check "--json says unchanged" test "$(json out 'd["items"][0]["changed"]')" = False
expect 2 "link to an unknown incident" tg incident link 9 1
contains err "no incident 9" "the unknown incident is named"
expect 2 "link an unknown item" tg incident link 1 1 deadbeef
contains err "deadbeef" "the unknown item is named"
expect 2 "link with a bad incident number" tg incident link x 1

# counts
expect 0 "counts with a source" tg incident count 1 --injured 3 --journalists-injured 1 \
	--source "Defensoría del Pueblo"
check "count is logged" test "$(last_action)" = count
expect 2 "counts without a source" tg incident count 1 --injured 4
contains err "--source" "the missing source is named"
expect 2 "a negative count" tg incident count 1 --injured -3 --source x
expect 0 "a count is changed" tg incident count 1 --injured 5 --source "hospital"
check "the count's old and new value are logged" sh -c "tail -n 1 c/custody.log | grep -q '\"old\":{\"value\":3,\"source\":\"Defensoría del Pueblo\"},\"new\":{\"value\":5'"
expect 0 "incident show --json" tg incident show 1 --json
check "show has 2 items and 2 counts" test "$(json out 'len(d["items"]), len(d["counts"])')" = "2 2"
expect 2 "show an unknown incident" tg incident show 7

# the verification record
expect 2 "unverified -> verified is not allowed" tg record 1 --status verified
contains err "in_review first" "the allowed order is explained"
expect 2 "a status that does not exist" tg record 1 --status sorta
expect 2 "a confidence that does not exist" tg record 1 --confidence 0.9
expect 2 "geolocation without method" tg record 1 --geolocation -12.05,-77.03
contains err "--method" "the missing method is named"
expect 2 "a malformed geolocation" tg record 1 --geolocation 12
expect 2 "an unknown item" tg record 99 --status in_review
contains err "99" "the unknown item is named"
expect 0 "status in review" tg record 1 --status "in review" --confidence medium
check "status is logged" test "$(last_action)" = status
check "old and new status are logged" sh -c "tail -n 1 c/custody.log | grep -q '\"status\":{\"old\":\"unverified\",\"new\":\"in_review\"}'"
expect 0 "record fields" tg record 1 --source-who "@witness" --source-where "https://example.org/v/1" \
	--earliest-upload 2020-11-13T03:05Z --geolocation -12.0552,-77.0311 \
	--method "court facade matched on satellite imagery" \
	--chronolocation 2020-11-13T02:10Z/2020-11-13T02:20Z --corroborated-by 2 --analyst "A. Analyst"
check "record is logged" test "$(last_action)" = record
expect 0 "verified" tg record 1 --status verified --confidence high --json
check "record --json shows it" test "$(json out 'd["record"]["status"], d["record"]["geolocation"]["lat"], d["record"]["corroboration"]["items"]')" = "verified -12.0552 [2]"
n=$(lines)
expect 0 "setting the same values changes nothing" tg record 1 --source-who "@witness" --status verified
check "no entry for an unchanged record" test "$(lines)" -eq "$n"
expect 0 "a field is changed" tg record 1 --source-who "@other"
check "the previous value is logged" sh -c "tail -n 1 c/custody.log | grep -q '\"source_who\":{\"old\":\"@witness\",\"new\":\"@other\"}'"
expect 2 "a item cannot corroborate itself" tg record 1 --corroborated-by 1
expect 2 "chronolocation without offset" tg record 1 --chronolocation 2020-11-12T21:10

# tags
expect 0 "controlled tags" tg tag 1 "Tear gas" firearms journalist
check "tag is logged" test "$(last_action)" = tag
expect 2 "a tag outside the vocabulary" tg tag 1 teargass
contains err "did you mean 'tear-gas'" "a suggestion is given"
expect 0 "a free tag with --free" tg tag 1 --free "Plaza San Martín" --json
check "the free tag is marked" test "$(json out '[t["controlled"] for t in d["tags"] if t["tag"] == "plaza-san-martín"]')" = "[False]"
expect 0 "remove a tag" tg tag 1 --remove firearms
check "old and new tags are logged" sh -c "tail -n 1 c/custody.log | grep -q '\"removed\":\\[\"firearms\"\\]'"
expect 0 "the vocabulary" tg tag --list
contains out "human-rights-defender" "the vocabulary lists human-rights-defender"
expect 2 "tag an unknown item" tg tag 42 injury

# notes
expect 0 "a note" tg note 1 "Officers visible at 00:12; shield markings legible."
check "note is logged" test "$(last_action)" = note
expect 0 "a note from stdin" sh -c 'echo "second line of notes" | $TESTIGO note 2 -'
expect 0 "an incident note" tg note --incident 1 "Hospital confirmed three injured."
expect 2 "an empty note" tg note 1 "   "
expect 2 "a note on an unknown incident" tg note --incident 5 text
expect 2 "a note without text" tg note 1
expect 0 "record shows the notes" tg record 1 --json
check "one note on item 1" test "$(json out 'len(d["notes"])')" = 1

# help and usage
expect 0 "help incident" tg help incident
expect 0 "help record" tg help record
expect 2 "record without an item" tg record

# everything replays after a crash: rebuild the catalog from the log
expect 0 "the case verifies" tg verify
sqlite3 c/case.db "DELETE FROM custody WHERE seq > 5; DELETE FROM incident_items; DELETE FROM incident_counts;
	DELETE FROM record_fields; DELETE FROM item_tags; DELETE FROM notes; DELETE FROM incidents;"
expect 0 "replay rebuilds the catalog" tg record 1 --json
check "replayed record" test "$(json out 'd["record"]["status"], d["record"]["source"]["who"], len(d["tags"]), len(d["notes"])')" = "verified @other 3 1"
expect 0 "replayed incident" tg incident show 1 --json
check "replayed links and counts" test "$(json out 'len(d["items"]), [c["value"] for c in d["counts"] if c["kind"] == "injured"]')" = "2 [5]"
