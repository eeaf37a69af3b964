"""Run a command; print its wall seconds, CPU seconds (user + system) and peak RSS (MiB) as one JSON line.

A separate, small process on purpose: a child's ru_maxrss starts at its parent's high-water mark
(fork or vfork, then exec, keeps it), so measured straight from the harness — which has generated
the data — every workload would read at least the harness' own peak. Started from this process,
the floor is this interpreter's ~15 MiB.
"""
import json
import os
import subprocess
import sys
import time

start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)  # stderr: inherited, the harness keeps it
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - start
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_rss_mib": usage.ru_maxrss / 1024.0,
                  "exit": os.waitstatus_to_exitcode(status)}))
