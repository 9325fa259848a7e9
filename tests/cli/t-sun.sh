# testigo sun and testigo shadow: real values, polar day/night, usage errors
. "$TESTIGO_ROOT/tests/cli/lib.sh"

# NREL's published example (Reda & Andreas): Golden, CO, 2003-10-17 12:30:30 -07:00
NREL="--lat 39.742476 --lon -105.1786 --elevation 1830.14 --pressure 820 --temp 11 --delta-t 67"
expect 0 "sun: the NREL example" tg sun $NREL --time 2003-10-17T12:30:30-07:00 --json
check "zenith 50.111622" test "$(json out "d['zenith_deg']")" = 50.111622
check "azimuth 194.340241" test "$(json out "d['azimuth_deg']")" = 194.340241
check "sunrise 06:12:43 local" test "$(json out "d['sunrise_local']")" = 2003-10-17T06:12:43-07:00
check "sunrise in UTC" test "$(json out "d['sunrise_utc']")" = 2003-10-17T13:12:43Z
check "transit 11:46:05 local" test "$(json out "d['transit_local']")" = 2003-10-17T11:46:05-07:00
# spa.c's "sunset" for that date (17:20:19) is the previous evening's: with the
# local day at -07:00 it is the sunset of 2003-10-16 (see docs/chronolocation.md)
check "sunset of that local day" test "$(json out "d['sunset_local']")" = 2003-10-17T17:18:52-07:00
expect 0 "sun: the day before" tg sun $NREL --date 2003-10-16 --utc-offset -7 --json
check "its sunset is spa.c's 17:20:19" test "$(json out "d['sunset_local']")" = 2003-10-16T17:20:19-07:00
check "day table has 25 hourly rows" test "$(json out "len(d['positions'])")" = 25

expect 0 "sun: text output" tg sun --lat -12.0464 --lon -77.0428 --time 2020-11-12T21:40-05:00
contains out "phase: night" "Lima at 21:40 is night"
contains out "sunrise_local: 2020-11-12T05:32:59-05:00" "Lima sunrise local time"
contains out "civil_dusk_local: 2020-11-12T18:34:20-05:00" "Lima civil dusk"
expect 0 "sun: time without offset but --utc-offset" \
	tg sun --lat -12.0464 --lon -77.0428 --time 2020-11-12T21:40 --utc-offset -5
contains out "time_utc: 2020-11-13T02:40:00Z" "local time read at the offset"

expect 0 "sun: polar day" tg sun --lat 78.22 --lon 15.65 --time 2024-06-21T12:00+02:00 --json
check "no sunrise in polar day" test "$(json out "d['sunrise_utc']")" = None
check "no sunset in polar day" test "$(json out "d['sunset_utc']")" = None
check "day_kind polar day" test "$(json out "d['day_kind']")" = "polar day"
check "transit still given" test "$(json out "d['transit_local'][:16]")" = 2024-06-21T12:59
expect 0 "sun: polar night" tg sun --lat 78.22 --lon 15.65 --time 2024-12-21T12:00+01:00 --json
check "day_kind polar night" test "$(json out "d['day_kind']")" = "polar night"
check "no civil twilight at -11.7 deg noon" test "$(json out "d['civil_kind']")" = "polar night"
check "nautical dawn exists" test "$(json out "d['nautical_kind']")" = normal
check "phase is nautical twilight at noon" test "$(json out "d['phase']")" = "nautical twilight"

expect 0 "sun: --date --csv" tg sun --lat 0 --lon 0 --date 2024-03-20 --step 15 --csv
check "csv: header and 97 rows" test "$(wc -l < out)" = 98
contains out "time_utc" "csv header"

# shadow: the inverse, then solving back
expect 0 "shadow --time" tg shadow --lat -12.0464 --lon -77.0428 --time 2020-11-12T15:00-05:00 --json
AZ=$(json out "d['shadow_azimuth_deg']")
R=$(json out "d['length_ratio']")
check "shadow azimuth 76.5" test "$(json out "round(d['shadow_azimuth_deg'], 1)")" = 76.5
check "length ratio 1.02" test "$(json out "round(d['length_ratio'], 2)")" = 1.02
expect 0 "shadow: direction and length" tg shadow --lat -12.0464 --lon -77.0428 \
	--date 2020-11-12 --utc-offset -5 --azimuth "$AZ" --length-ratio "$R" --tolerance 0.5 --json
check "one solution" test "$(json out "len(d['solutions'])")" = 1
check "best time is 15:00 local" test "$(json out "d['solutions'][0]['time_local']")" = 2020-11-12T15:00:00-05:00
check "interval contains it" test "$(json out "d['solutions'][0]['start_local'] < '2020-11-12T15:00' < d['solutions'][0]['end_local']")" = True
expect 0 "shadow: length alone" tg shadow --lat -12.0464 --lon -77.0428 \
	--date 2020-11-12 --utc-offset -5 --length-ratio "$R" --json
check "two solutions about noon" test "$(json out "len(d['solutions'])")" = 2
check "morning one first" test "$(json out "d['solutions'][0]['time_local'][11:13]")" = 08
expect 0 "shadow: impossible length" tg shadow --lat 60 --lon 0 --date 2024-12-21 --length-ratio 0.2 --json
check "no solution" test "$(json out "len(d['solutions'])")" = 0

# usage errors: exit 2 and a clear message
expect 2 "sun: latitude out of range" tg sun --lat 91 --lon 0 --time 2024-01-01T00:00Z
contains err "latitude 91 out of range" "names the latitude"
expect 2 "sun: missing --lon" tg sun --lat 10 --time 2024-01-01T00:00Z
contains err "--lat and --lon are required" "says what is missing"
expect 2 "sun: time without offset" tg sun --lat 10 --lon 10 --time 2024-01-01T12:00
contains err "has no UTC offset" "asks for an offset"
expect 2 "sun: bad time" tg sun --lat 10 --lon 10 --time yesterday
contains err "not an ISO 8601" "names the format"
expect 2 "sun: --time and --date" tg sun --lat 10 --lon 10 --time 2024-01-01T00:00Z --date 2024-01-01
expect 2 "sun: bad number" tg sun --lat ten --lon 10 --time 2024-01-01T00:00Z
contains err "--lat: not a number" "names the option"
expect 2 "sun: offset out of range" tg sun --lat 10 --lon 10 --date 2024-01-01 --utc-offset 20
expect 2 "shadow: no measurement" tg shadow --lat 10 --lon 10 --date 2024-01-01
contains err "give --azimuth, --length-ratio or both" "asks for a measurement"
expect 2 "shadow: zero tolerance" tg shadow --lat 10 --lon 10 --date 2024-01-01 --azimuth 90 --tolerance 0
contains err "tolerance" "names the tolerance"
expect 2 "shadow: negative length" tg shadow --lat 10 --lon 10 --date 2024-01-01 --length-ratio -1
