#!/bin/bash
# Who holds the GIL while a bench row trains in the window (py-spy, 15 s at 200 Hz).
#   bash tools/profile_gui.sh gan2d   -> /tmp/gui_gil.txt (raw: "thread;frames... count")
set -e
cd "$(dirname "$0")/.."
row=${1:-gan2d}
fifo=$(mktemp -u)
mkfifo "$fifo"
QT_QPA_PLATFORM=offscreen GENERATIVE_STUDIO_RUNS=$(mktemp -d) \
    python -m studio.ui.bench_gui --row "$row" --threads 1 < "$fifo" > /dev/null 2>&1 &
pid=$!
exec 3>"$fifo"
sleep 15                 # window up, run started and paused
echo 1000000 >&3         # train (far more steps than 15 s)
sleep 2
py-spy record --gil --threads --format raw -o /tmp/gui_gil.txt -d 15 -r 200 --pid "$pid" > /dev/null
echo quit >&3
exec 3>&-
wait "$pid" || true
rm -f "$fifo"
echo "samples per thread (GIL held):"
python - <<'PY'
import collections
n = collections.Counter()
for line in open("/tmp/gui_gil.txt"):
    stack, _, count = line.rstrip().rpartition(" ")
    n[stack.split(";")[0]] += int(count)
for thread, count in n.most_common():
    print(count, thread)
PY
