"""Times SciPy/NumPy baselines for tools/Benchmarks (python command). Prints one JSON object of seconds (median of 3)."""
import json
import sys
import time

import numpy as np
from scipy import stats
from scipy.spatial.distance import pdist

n, p = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(3)
X = rng.random((n, p), dtype=np.float32)
m = n * (n - 1) // 2
a = rng.random(m)
b = a + rng.random(m)


def median_time(f, reps=3):
    """Median wall and CPU (all threads of this process) seconds."""
    ts, cs = [], []
    for _ in range(reps):
        t, c = time.perf_counter(), time.process_time()
        f()
        ts.append(time.perf_counter() - t)
        cs.append(time.process_time() - c)
    return sorted(ts)[len(ts) // 2], sorted(cs)[len(cs) // 2]


out = {}
for name, f, reps in [
    ("scipy pdist correlation (float64)", lambda: pdist(X.astype(np.float64), "correlation"), 1),
    ("numpy 1-corrcoef (float64 BLAS)", lambda: 1 - np.corrcoef(X), 3),
    ("scipy spearmanr", lambda: stats.spearmanr(a, b), 3),
]:
    wall, cpu = median_time(f, reps)
    out[name] = wall
    out[name + " cpu"] = cpu
print(json.dumps(out))
