# testigo export --bagit and verify --bag: complete packages only, every damage named
. "$TESTIGO_ROOT/tests/cli/lib.sh"

tg init c >/dev/null
export TESTIGO_CASE=$PWD/c

# an empty case still makes a valid package
expect 0 "export of an empty case" tg export --bagit empty
expect 0 "the empty package verifies" tg verify --bag empty

tg add --no-analyse "$SAMPLES"/movie1/VID_20191220_170832.mp4 "$SAMPLES"/pic1/IMG_1054.JPG \
	"$SAMPLES"/pic2/d-debian.png >/dev/null
tg incident new --title "Court" >/dev/null
tg incident link 1 1 2 >/dev/null
tg note 1 "a note" >/dev/null
mkdir -p c/derived/x
expect 0 "export --bagit" tg export --bagit bag --organization "Example Org" --json
check "three items" test "$(json out 'd["items"]')" = 3
check "export is logged" sh -c "tail -n 1 c/custody.log | grep -q '\"action\":\"export\"'"
check "the logged tag manifest hash is the bag's" sh -c \
	"tail -n 1 c/custody.log | grep -q \"\$(sha256sum bag/tagmanifest-sha256.txt | cut -c1-64)\""
for f in bagit.txt bag-info.txt manifest-sha256.txt tagmanifest-sha256.txt \
	tagmanifest-sha256.txt.sig case-public-key.pem data/custody.log data/catalog/items.json \
	data/catalog/incidents.json data/catalog/case.json; do
	check "the package has $f" test -s "bag/$f"
done
check "three evidentiary copies" test "$(ls bag/data/objects | wc -l)" = 3
contains bag/bag-info.txt "Source-Organization: Example Org" "Source-Organization"
contains bag/bag-info.txt "Payload-Oxum: " "Payload-Oxum"
contains bag/bag-info.txt "Bagging-Date: " "Bagging-Date"
contains bag/bag-info.txt "Testigo-Public-Key-Ed25519: " "the case's public key"
contains bag/bagit.txt "BagIt-Version: 1.0" "BagIt 1.0"
check "no partial folder left" sh -c '! ls -a | grep -q partial'
check "sha256sum agrees with the manifest" sh -c 'cd bag && sha256sum -c --quiet manifest-sha256.txt'
check "openssl checks the signature" sh -c 'openssl pkeyutl -verify -pubin -inkey bag/case-public-key.pem \
	-rawin -in bag/tagmanifest-sha256.txt -sigfile bag/tagmanifest-sha256.txt.sig >/dev/null'
expect 0 "the package verifies" tg verify --bag bag
expect 0 "verify --bag --json" tg verify --bag bag --json
check "--json: ok, signature ok, 3 objects" test "$(json out 'd["ok"], d["signature_ok"], d["objects"]')" = "True True 3"
expect 0 "verify --bag with the trusted key" tg verify --bag bag --key c/keys/case.pub
tg init other >/dev/null
expect 1 "verify --bag with another key" tg verify --bag bag --key other/keys/case.pub
contains err "bad signature" "a signature by another key is rejected"

# an incident package holds only its items
expect 0 "export --incident" tg export --bagit inc --incident 1
check "two evidentiary copies" test "$(ls inc/data/objects | wc -l)" = 2
expect 0 "the incident package verifies" tg verify --bag inc

# robustness of export
mkdir full && echo x > full/file
expect 4 "export into a non-empty folder" tg export --bagit full
contains err "not empty" "the non-empty folder is named"
check "the folder is untouched" test "$(ls full)" = file
expect 2 "export without --bagit" tg export
expect 2 "export of an unknown incident" tg export --bagit none --incident 7
check "nothing left after a failed export" sh -c '! ls -a | grep -q -e partial -e "^none$"'
mkdir emptydir
expect 0 "export into an empty folder" tg export --bagit emptydir
# an altered evidentiary copy is never exported
o=c/objects/$(sha256sum "$SAMPLES/pic2/d-debian.png" | cut -c1-2)/$(sha256sum "$SAMPLES/pic2/d-debian.png" | cut -c3-64)
chmod u+w "$o"; printf 'X' | dd of="$o" bs=1 seek=100 conv=notrunc 2>/dev/null
expect 1 "export refuses an altered copy" tg export --bagit bad
contains err "was altered" "the altered copy is named"
check "no package and no partial folder" sh -c '! ls -a | grep -q -e partial -e "^bad$"'

# damage to a package: each kind named
damage() { # NAME: a fresh copy of the package in d
	rm -rf d; cp -a bag d; chmod -R u+w d
}
damage; rm d/data/catalog/items.json
expect 1 "a missing payload file" tg verify --bag d
contains err "data/catalog/items.json: missing" "the missing file is named"
damage; echo planted > d/data/objects/planted
expect 1 "an extra payload file" tg verify --bag d
contains err "data/objects/planted: extra" "the extra file is named"
damage; f=$(ls d/data/objects/*.jpg | head -n 1); printf 'X' | dd of="$f" bs=1 seek=200 conv=notrunc 2>/dev/null
expect 1 "an altered payload file" tg verify --bag d
contains err ".jpg: altered" "the altered file is named"
damage; sed -i 's/Payload-Oxum: .*/Payload-Oxum: 12.3/' d/bag-info.txt
expect 1 "a wrong Payload-Oxum" tg verify --bag d
contains err "Payload-Oxum is 12.3" "the wrong Oxum is named"
damage; printf '\001' | dd of=d/tagmanifest-sha256.txt.sig bs=1 seek=10 conv=notrunc 2>/dev/null
expect 1 "a bad signature" tg verify --bag d
contains err "tagmanifest-sha256.txt.sig: bad signature" "the bad signature is named"
damage; rm d/tagmanifest-sha256.txt.sig
expect 1 "a missing signature" tg verify --bag d
contains err "not signed" "the missing signature is named"
damage; echo extra > d/notes.txt
expect 1 "an extra tag file" tg verify --bag d
contains err "notes.txt: extra" "the extra tag file is named"
damage; sed -i '2s/"tester"/"mallory"/' d/data/custody.log
s=$(sha256sum d/data/custody.log | cut -c1-64)
sed -i "s#^[0-9a-f]*  data/custody.log#$s  data/custody.log#" d/manifest-sha256.txt
expect 1 "an edited custody log (manifest fixed up)" tg verify --bag d
contains err "data/custody.log: line 2: hash mismatch" "the edited log line is named"
contains err "manifest-sha256.txt: altered" "the changed manifest is caught by the tag manifest"
expect 3 "verify --bag of a missing folder" tg verify --bag nowhere
mkdir notabag
expect 1 "verify --bag of a folder that is not a bag" tg verify --bag notabag
contains err "bagit.txt: missing" "a non-bag is named"
expect 2 "--key without --bag" tg verify --key c/keys/case.pub
expect 1 "testigo verify reports the altered copy too" tg verify
