# testigo add: ingest, dedupe, acquisitions, odd names, bad input
. "$TESTIGO_ROOT/tests/cli/lib.sh"

tg init case >/dev/null
cd case || exit 1
V=$SAMPLES/movie1/VID_20191220_170832.mp4
expect 0 "add a phone video" tg add --source https://example.org/v/1 --collector Ana --note "first copy" "$V"
sha=$(sha256sum "$V" | cut -c1-64)
contains out "$sha" "add prints the SHA-256 (equal to sha256sum)"
obj=objects/$(echo "$sha" | cut -c1-2)/$(echo "$sha" | cut -c3-)
check "object stored under its SHA-256" cmp "$V" "$obj"
check "object is read-only (0444)" test "$(stat -c %a "$obj")" = 444
check "no staged leftovers" test -z "$(ls objects/tmp)"

cp "$V" "copy of vídeo ñ.mp4"
expect 0 "add the same bytes under another name (spaces, non-ASCII)" tg add --json "copy of vídeo ñ.mp4"
check "second add reports the same item" test "$(json out 'd["items"][0]["item"]')" = 1
contains out "already in case" "second add says it was already there"
expect 0 "ls --json" tg ls --json
check "one item for the same bytes" test "$(json out 'len(d["items"])')" = 1
check "two acquisitions" test "$(json out 'd["items"][0]["acquisitions"]')" = 2
expect 0 "log filtered by item" tg log --item "$(echo "$sha" | cut -c1-8)" --action acquire --json
check "two acquire entries in the log" test "$(json out 'len(d["entries"])')" = 2
check "the second acquisition keeps its name" test "$(json out 'd["entries"][1]["details"]["name"]')" = "copy of vídeo ñ.mp4"
check "source recorded" test "$(json out 'd["entries"][0]["details"]["source"]')" = https://example.org/v/1
expect 0 "show by id" tg show 1 --json
check "show lists both acquisitions" test "$(json out 'len(d["acquisitions"])')" = 2
check "show has the metadata finding" test "$(json out 'len([f for f in d["findings"] if f["analyser"] == "metadata"])')" = 1
check "note recorded" test "$(json out 'd["acquisitions"][0]["note"]')" = "first copy"

mkdir -p tree/a tree/b
cp "$SAMPLES"/pic1/IMG_1054.JPG tree/a/
cp "$SAMPLES"/pic2/d-debian.png tree/b/
printf 'a text file\n' > tree/b/notes.txt
expect 3 "a folder without --recursive is bad input" tg add tree
contains err "tree: is a folder" "the message names the folder"
expect 0 "add --recursive" tg add --recursive --json tree
check "three files added from the tree" test "$(json out 'len(d["items"])')" = 3
check "a text file is accepted as evidence (other)" test "$(json out 'd["items"][2]["media_type"]')" = other

expect 3 "missing file" tg add /nonexistent/clip.mp4
contains err "/nonexistent/clip.mp4: cannot open" "the message names the missing file"
: > empty.mp4
expect 3 "empty file" tg add empty.mp4
contains err "empty.mp4: empty file" "the message says the file is empty"
expect 3 "a device is not a regular file" tg add /dev/null
head -c 100000 "$V" > truncated.mp4
expect 0 "a truncated video is still kept as evidence" tg add --json truncated.mp4
check "truncated video is still a video" test "$(json out 'd["items"][0]["media_type"]')" = video
check "add counts its warning" test "$(json out 'd["items"][0]["warnings"]')" -ge 1
expect 0 "its metadata says it is truncated" tg show --json "$(sha256sum truncated.mp4 | cut -c1-12)"
contains out '"truncated"' "observation truncated recorded"
head -c 3000 "$SAMPLES/pic1/IMG_1054.JPG" > cut.jpg
printf 'This is not a video at all' > fake.mp4
expect 0 "a text file named .mp4 is kept" tg add --json fake.mp4
check "it is catalogued as other" test "$(json out 'd["items"][0]["media_type"]')" = other
expect 0 "its metadata says it is not media" tg show --json "$(sha256sum fake.mp4 | cut -c1-12)"
contains out "not_media" "observation not_media recorded"
expect 3 "one bad file among good ones: the good ones are added" tg add "$SAMPLES"/pic1/debian.png missing.jpg
contains out "debian.png" "the good file was added"
contains err "missing.jpg" "the bad one is named"

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 711 .. && cd .. && tg init ucase >/dev/null && chown -R nobody ucase && cd case
	cp "$V" secret.mp4 && chmod 000 secret.mp4
	expect 3 "unreadable file" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		env TESTIGO_CASE=../ucase "$TESTIGO" add secret.mp4
	contains err "secret.mp4: cannot open: Permission denied" "the message names the unreadable file"
else
	chmod 000 "$V.copy" 2>/dev/null
	skip "unreadable file (needs root and setpriv to switch users)"
fi

expect 0 "verify after all that" tg verify

# add reports footage already in the case (the same clip in another format)
tg init mcase >/dev/null
tg -C mcase add "$SAMPLES/movie2/movie-hello.mp4" >/dev/null
expect 0 "add a re-encoded copy" tg -C mcase add --json "$SAMPLES/movie2/movie-hello.avi"
check "add reports the near-duplicate already in the case" \
	test "$(json out '[(m["item"], m["kind"]) for m in d["items"][0]["matches"]]')" = "[(1, 'near-duplicate')]"
