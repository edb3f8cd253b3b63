# The short torture (tests/torture.sh): every primitive at 2 threads and
# 2 x PUs, one second each, plus the proof that the broken lock fails
# and the lost-wakeup lock hangs into the time limit.  4 x PUs needs
# longer windows for a FIFO spinlock's preempted handoffs to reach every
# thread, so it is left to `make torture`.
set -euo pipefail
TORTURE_SECONDS=1 TORTURE_THREADS="2,$((2 * $(nproc)))" bash "$(dirname "$0")/torture.sh"
