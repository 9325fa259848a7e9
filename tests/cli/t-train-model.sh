# scripts/train-shot-model: the error paths (they need neither numpy nor
# scikit-learn), and with scikit-learn installed (scripts/install-deps
# --train) a fit on a synthetic dump whose table compiles with shotmodel.c.
. "$TESTIGO_ROOT/tests/cli/lib.sh"

TRAIN=$TESTIGO_ROOT/scripts/train-shot-model
COLS="set,clip,snr,time,label,cls,score,strength,snr_db,rise_ms,centroid,lf,hf,vhf,width,decay,tail,jump,harm,ncc,gain,peak,conf,compact,step,clipped,logit"

expect 1 "a missing dump is an error" "$TRAIN" missing.csv out.h
contains err "missing.csv: No such file or directory" "the message names the dump"
check "no table is written" test ! -e out.h

printf 'a,b\n1,2\n' > other.csv
expect 1 "a CSV that is not a dump is an error" "$TRAIN" other.csv out.h
contains err "other.csv: not an event dump of test_shots (no column" "the message names the file and says why"

echo "$COLS" > empty.csv
expect 1 "a dump without events is an error" "$TRAIN" empty.csv out.h
contains err "empty.csv: too few dev events (0, 0 near a shot" "the message names the dump and the counts"

# 600 events of the dev half: the label follows the score, a third of
# them without the bands above 2 kHz (a band-limited recording: missing)
python3 - "$COLS" > dump.csv <<'PY'
import random, sys
random.seed(5)
cols = sys.argv[1].split(",")
print(sys.argv[1])
for i in range(600):
    lab = i % 3 == 0
    row = {c: "%.9g" % random.gauss(0, 5) for c in cols}
    row.update({"set": "dev", "clip": "c%d" % (i // 20), "snr": "10.0", "time": "%d" % i,
                "label": "1" if lab else "0", "cls": "0" if lab else "1", "ncc": "0",
                "score": "%.9g" % random.gauss(2 if lab else -3, 2), "clipped": "0"})
    if i % 3 == 1:
        row["hf"] = row["vhf"] = "nan"
    print(",".join(row[c] for c in cols))
PY
expect 1 "an output that cannot be written is an error" "$TRAIN" dump.csv nodir/out.h
contains err "nodir/out.h.tmp: No such file or directory" "the message names the file it could not write"

if /usr/bin/python3 -c "import sklearn" 2>/dev/null; then
	expect 0 "a fit on a synthetic dump" "$TRAIN" dump.csv fit.h
	contains out "600 events, 200 near a shot, 150 trees" "it says what it fitted"
	check "no temporary file is left" test ! -e fit.h.tmp
	mkdir -p inc/audio
	cp fit.h inc/audio/shotmodel_trees.h
	check "the table compiles with shotmodel.c" \
		cc -std=c17 -Wall -Wextra -Werror -c -Iinc -I"$TESTIGO_ROOT/lib" \
		"$TESTIGO_ROOT/lib/audio/shotmodel.c" -o shotmodel.o
	expect 0 "the same dump fits again" "$TRAIN" dump.csv fit2.h
	check "the fit is deterministic: the same table byte for byte" cmp -s fit.h fit2.h
	# a write that fails (here: its temporary name is taken by a folder)
	# leaves the table there was, whole
	printf '/* the table there was */\n' > keep.h
	mkdir keep.h.tmp
	expect 1 "a table that cannot be written whole is an error" "$TRAIN" dump.csv keep.h
	contains err "keep.h.tmp: Is a directory" "the message names the file it could not write"
	contains keep.h "the table there was" "the old table is left as it was"
else
	skip "python3-sklearn missing (scripts/install-deps --train): the fit is not tested"
fi
