# testigo probe agrees with exiftool on real phone photos, the phone video and
# the goexif samples: GPS within 1e-6 degrees, capture dates, make and model.
. "$TESTIGO_ROOT/tests/cli/lib.sh"

if ! command -v exiftool >/dev/null; then
	skip "exiftool not installed (scripts/install-deps installs it)"
	exit 0
fi

cat > compare.py <<'PY'
import json, subprocess, sys
tg, files = sys.argv[1], sys.argv[2:]
agree = fields = 0
for f in files:
    r = subprocess.run([tg, "probe", "--json", "--tags", f], capture_output=True, text=True)
    if r.returncode != 0:
        print("not ok probe %s exited %d: %s" % (f, r.returncode, r.stderr.strip())); continue
    d = json.loads(r.stdout)
    x = json.loads(subprocess.run(["exiftool", "-n", "-j", "-G", f], capture_output=True,
                                  text=True).stdout)[0]
    def ex(*keys):
        for k in keys:
            if k in x: return x[k]
        return None
    exif = (d.get("tags") or {}).get("exif") or {}
    checks = []
    lat, lon = ex("Composite:GPSLatitude", "EXIF:GPSLatitude"), ex("Composite:GPSLongitude", "EXIF:GPSLongitude")
    if isinstance(lat, (int, float)) and isinstance(lon, (int, float)):
        g = d.get("gps") or {}
        checks.append(("gps", g.get("lat") is not None and abs(g["lat"] - lat) <= 1e-6
                       and abs(g["lon"] - lon) <= 1e-6, (g.get("lat"), g.get("lon")), (lat, lon)))
    alt = ex("Composite:GPSAltitude")
    if isinstance(alt, (int, float)) and d.get("gps"):
        checks.append(("altitude", d["gps"].get("alt") is not None and abs(d["gps"]["alt"] - alt) < 1e-3,
                       d["gps"].get("alt"), alt))
    dto = ex("EXIF:DateTimeOriginal")
    if isinstance(dto, str) and dto.strip("0: ") and d.get("created"):
        mine = [t["value"] for t in d["times"] if t["source"] == "exif:DateTimeOriginal"]
        want = dto.replace(":", "-", 2).replace(" ", "T")
        checks.append(("DateTimeOriginal", mine[:1] == [want], mine, want))
    for key, field in (("EXIF:Make", "make"), ("EXIF:Model", "model")):
        v = ex(key)
        if isinstance(v, str) and v.strip():
            checks.append((field, (d["device"][field] or "") == v.strip(), d["device"][field], v))
    qt = ex("UserData:GPSCoordinates")
    if isinstance(qt, str):
        la, lo = [float(v) for v in qt.split()[:2]]
        g = d.get("gps") or {}
        checks.append(("container gps", g.get("lat") is not None and abs(g["lat"] - la) <= 1e-6
                       and abs(g["lon"] - lo) <= 1e-6, (g.get("lat"), g.get("lon")), (la, lo)))
    cd = ex("QuickTime:CreateDate")
    if isinstance(cd, str):
        want = cd.replace(":", "-", 2).replace(" ", "T") + "Z"
        checks.append(("container creation time", d["created_utc"] == want, d["created_utc"], want))
    for name, good, mine, theirs in checks:
        if not good and f.endswith("geodegrees_as_string.jpg") and name == "gps":
            # GPS written as ASCII "52,00000,50,00000,34,01180" (some HTC phones):
            # exiftool takes the first three comma-separated numbers (52, 0, 50);
            # testigo reads decimal commas (52.0 deg 50.0' 34.0118"), as goexif's
            # regression file stores it, and flags the non-standard form.
            print("ok %s gps: documented difference with exiftool" % f.split("/")[-1])
            continue
        fields += 1
        agree += bool(good)
        print("%s %s %s%s" % ("ok" if good else "not ok", f.split("/")[-1], name,
                              "" if good else " (testigo %r, exiftool %r)" % (mine, theirs)))
print("# probe agrees with exiftool on %d of %d fields" % (agree, fields))
PY
python3 compare.py "$TESTIGO" "$SAMPLES"/pic1/*.jpg "$SAMPLES"/pic1/*.JPG "$SAMPLES"/pic2/*.jpg \
	"$SAMPLES"/movie1/VID_20191220_170832.mp4 "$GOEXIF"/*.jpg

# observations on real files
expect 0 "probe the WhatsApp photo" tg probe --json "$SAMPLES/pic1/IMG-20191006-WA0002.jpg"
contains out '"metadata_stripped"' "stripped metadata observed on the WhatsApp image"
expect 0 "probe the GIMP-edited photo" tg probe --json "$SAMPLES/pic1/IMG_1054.JPG"
contains out '"editing_software"' "GIMP named as editing software"
contains out '"dimensions_changed"' "resize after capture observed"
check "a local time without offset is not given as UTC" test "$(json out 'd["created_utc"]')" = None
check "the local capture time is kept" test "$(json out 'd["created"]["local"]')" = 2020-09-12T11:49:38
expect 0 "probe a phone photo with GPS time" tg probe --json "$SAMPLES/pic2/IMG_20191224_234846.jpg"
check "GPS time implies UTC-03:00 and the UTC capture time" \
	test "$(json out 'd["created"]["offset"] + " " + d["created_utc"]')" = "-03:00 2019-12-25T02:48:46Z"
expect 0 "probe the phone video" tg probe --json "$SAMPLES/movie1/VID_20191220_170832.mp4"
check "video streams: h264 1920x1080 and aac 48 kHz stereo" test \
	"$(json out '"%s %dx%d %s %d %d" % (d["streams"][0]["codec"], d["streams"][0]["width"], d["streams"][0]["height"], d["streams"][1]["codec"], d["streams"][1]["sample_rate"], d["streams"][1]["channels"])')" = "h264 1920x1080 aac 48000 2"
check "the file name's local time implies UTC-03:00" test "$(json out 'd["created"]["offset"]')" = -03:00
expect 0 "probe the re-encoded clip" tg probe --json "$SAMPLES/movie2/movie-hello.mp4"
contains out 'Lavf' "the FFmpeg encoder tag is reported as re-encoding"

# generated: a rotated phone-style clip with a location tag
ffmpeg -v error -f lavfi -i testsrc=size=320x240:rate=25 -t 1 -c:v libx264 -pix_fmt yuv420p \
	-metadata location="+48.8577+002.2950+035.000/" \
	-metadata creation_time=2024-05-01T12:00:00Z gen.mp4 2>/dev/null ||
	ffmpeg -v error -f lavfi -i testsrc=size=320x240:rate=25 -t 1 -c:v mpeg4 \
	-metadata location="+48.8577+002.2950+035.000/" \
	-metadata creation_time=2024-05-01T12:00:00Z gen.mp4
# FFmpeg 5.1 cannot write a display matrix: set the track header's matrix to
# a 90-degree rotation, as a phone held upright does
python3 - gen.mp4 <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.find(b"tkhd") - 4
b[i + 48:i + 84] = struct.pack(">9i", 0, 65536, 0, -65536, 0, 0, 0, 0, 0x40000000)
open(sys.argv[1], "wb").write(b)
PY
expect 0 "probe a generated clip" tg probe --json gen.mp4
check "rotation from the display matrix" test "$(json out 'd["streams"][0]["rotation_deg"]')" = 90
check "ISO 6709 location with altitude" test "$(json out '(d["gps"]["lat"], d["gps"]["lon"], float(d["gps"]["alt"]))')" = "(48.8577, 2.295, 35.0)"

# bad input
expect 3 "probe a missing file" tg probe nothere.mp4
contains err "nothere.mp4: cannot read" "the message names the file"
: > empty.jpg
expect 3 "probe an empty file" tg probe empty.jpg
contains err "empty.jpg: empty file" "empty file named"
printf 'plain text' > notes.txt
expect 3 "probe a non-media file" tg probe notes.txt
contains err "notes.txt: not a media file" "non-media named"
expect 3 "probe a folder" tg probe .
contains err "is a folder" "folder reported"
head -c 5000 "$SAMPLES/pic2/IMG_20200608_111614.jpg" > cut.jpg
expect 0 "probe a truncated JPEG: what can be read" tg probe --json cut.jpg
check "truncated EXIF still yields the make" test "$(json out 'd["device"]["make"]')" = Xiaomi
