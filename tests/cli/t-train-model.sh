# scripts/train-shot-model: the error paths (they need neither numpy nor
# scikit-learn), and with scikit-learn installed (scripts/install-deps
# --train) a fit on a synthetic dump whose tables compile with shotmodel.c.
. "$TESTIGO_ROOT/tests/cli/lib.sh"

TRAIN=$TESTIGO_ROOT/scripts/train-shot-model
COLS="set,clip,snr,time,label,cls,score,strength,snr_db,rise_ms,centroid,lf,hf,vhf,width,decay,tail,jump,harm,ncc,gain,peak,conf,compact,step,clipped,logit,gap,bank_ncc,bank_gain,chain_logit"

mkdir tables
expect 1 "a missing dump is an error" "$TRAIN" missing.csv tables
contains err "missing.csv: No such file or directory" "the message names the dump"
check "no table is written" test -z "$(ls tables)"

printf 'a,b\n1,2\n' > other.csv
expect 1 "a CSV that is not a dump is an error" "$TRAIN" other.csv tables
contains err "other.csv: not an event dump of test_shots (no column" "the message names the file and says why"

echo "$COLS" > empty.csv
expect 1 "a dump without events is an error" "$TRAIN" empty.csv tables
contains err "empty.csv: no events of set dev, train, trainlp (test_shots writes the training sets with TG_SHOTS_TRAIN=1" \
	"the message names the dump and the sets it lacks"

expect 1 "a model that is neither is an error" "$TRAIN" --only both empty.csv tables
contains err "--only takes shot or chain" "the message says what it takes"
expect 1 "a wrong number of arguments is an error" "$TRAIN" a.csv b c
contains err "usage: train-shot-model" "the usage is told"

# 600 events of the fitting sets decided by their own features (the label
# follows the score, a third of them without the bands above 2 kHz: a
# band-limited recording, missing) and 600 inside a chain (the label
# follows the match); then 60 of the held-out half, which the fit leaves
# out (its events would be counted)
python3 - "$COLS" > dump.csv <<'PY'
import random, sys
random.seed(5)
cols = sys.argv[1].split(",")
print(sys.argv[1])
for i in range(1260):
    lab = i % 3 == 0
    inside = 600 <= i < 1200
    row = {c: "%.9g" % random.gauss(0, 5) for c in cols}
    fit_set = ("dev", "train", "trainlp")[i // 7 % 3] if i < 1200 else "held"
    row.update({"set": fit_set, "clip": "c%d" % (i // 20), "snr": "10.0", "time": "%d" % i,
                "label": "1" if lab else "0", "cls": "0" if lab else "1", "ncc": "0",
                "score": "%.9g" % random.gauss(2 if lab else -3, 2), "clipped": "0",
                "gap": "nan"})
    if i % 3 == 1:
        row["hf"] = row["vhf"] = "nan"
    if inside:
        row.update({"cls": "0" if lab else "2", "gap": "%.9g" % random.uniform(20, 450),
                    "ncc": "%.9g" % random.gauss(0.6 if lab else 0.25, 0.1)})
    print(",".join(row[c] for c in cols))
PY
head -601 dump.csv > own-only.csv
grep -v '^train' own-only.csv > dev-only.csv
expect 1 "a dump without the training sets is an error" "$TRAIN" dev-only.csv tables
contains err "dev-only.csv: no events of set train, trainlp (test_shots writes the training sets with TG_SHOTS_TRAIN=1, from the recordings scripts/install-deps --train installs)" \
	"the message names the sets it lacks and how to write them"
check "no table is written" test -z "$(ls tables)"
expect 1 "a dump with no candidates inside chains is an error" "$TRAIN" own-only.csv tables
contains err "own-only.csv: too few events of sets dev, train, trainlp for the chain model (0, 0 near a shot" \
	"the message names the dump and the model"
expect 1 "an output that cannot be written is an error" "$TRAIN" dump.csv nodir
contains err "nodir/shotmodel_trees.h.tmp: No such file or directory" "the message names the file it could not write"

if /usr/bin/python3 -c "import sklearn" 2>/dev/null; then
	mkdir -p inc/audio
	expect 0 "a fit on a synthetic dump" "$TRAIN" dump.csv inc/audio
	contains out "the shot model: 600 events, 200 near a shot, 300 trees" "it says what it fitted"
	contains out "the chain model: 600 events, 200 near a shot, 300 trees" "both models"
	check "no temporary file is left" test -z "$(ls inc/audio | grep tmp)"
	check "the tables compile with shotmodel.c" \
		cc -std=c17 -Wall -Wextra -Werror -c -Iinc -I"$TESTIGO_ROOT/lib" \
		"$TESTIGO_ROOT/lib/audio/shotmodel.c" -o shotmodel.o
	mkdir again
	expect 0 "the same dump fits again" "$TRAIN" dump.csv again
	check "the fit is deterministic: the same tables byte for byte" \
		sh -c 'cmp -s inc/audio/shotmodel_trees.h again/shotmodel_trees.h &&
		       cmp -s inc/audio/chainmodel_trees.h again/chainmodel_trees.h'
	mkdir chain
	printf '/* the event model there was */\n' > chain/shotmodel_trees.h
	cp chain/shotmodel_trees.h kept.h
	expect 0 "the chain model alone" "$TRAIN" --only chain dump.csv chain
	check "only the chain model's table is written, the same; the event model's is left as it was" \
		sh -c 'cmp -s chain/shotmodel_trees.h kept.h && cmp -s chain/chainmodel_trees.h again/chainmodel_trees.h'
	# a write that fails (here: the temporary name of table $2 is taken by
	# a folder) is an error naming that file, and leaves the event model's
	# table there was, whole, and no temporary file
	blocked_write() { # DIR TABLE WHAT
		mkdir "$1"
		printf '/* the table there was */\n' > "$1/shotmodel_trees.h"
		mkdir "$1/$2.tmp"
		expect 1 "$3 is an error" "$TRAIN" dump.csv "$1"
		contains err "$1/$2.tmp: Is a directory" "$3: the message names the file it could not write"
		contains "$1/shotmodel_trees.h" "the table there was" "$3: the event model's table is left as it was"
		check "$3: no temporary file is left" test -z "$(find "$1" -name '*.tmp' -type f)"
	}
	blocked_write keep shotmodel_trees.h "a table that cannot be written whole"
	# the second table's write fails: the first is not replaced either (no
	# new event model beside a chain model fitted on the old one)
	blocked_write pair chainmodel_trees.h "a pair of tables that cannot both be written"
else
	skip "python3-sklearn missing (scripts/install-deps --train): the fit is not tested"
fi
