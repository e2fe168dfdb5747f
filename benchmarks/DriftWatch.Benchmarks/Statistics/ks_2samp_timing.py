"""Times scipy.stats.ks_2samp on the windows the KS benchmark wrote, for its same-run baseline.

Reads JSON {"reference": [...], "windows": [[...], ...], "repetitions": R} from argv[1]; writes JSON with
the statistic and p-value of every window and the best-of-R wall and processor seconds per call (default method, 'auto',
which is the exact p-value at these sizes).
"""
import json
import sys
import time

import numpy as np
import scipy
from scipy import stats

doc = json.load(open(sys.argv[1]))
reference = np.asarray(doc["reference"], dtype=float)
windows = [np.asarray(w, dtype=float) for w in doc["windows"]]
results = [stats.ks_2samp(reference, w) for w in windows]
best = float("inf")
best_cpu = float("inf")
for _ in range(doc["repetitions"]):
    start = time.perf_counter()
    start_cpu = time.process_time()
    for w in windows:
        stats.ks_2samp(reference, w)
    best_cpu = min(best_cpu, (time.process_time() - start_cpu) / len(windows))
    best = min(best, (time.perf_counter() - start) / len(windows))
json.dump({
    "scipy": scipy.__version__,
    "statistics": [float(r.statistic) for r in results],
    "pvalues": [float(r.pvalue) for r in results],
    "seconds_per_call": best,
    "cpu_seconds_per_call": best_cpu,
}, sys.stdout)
