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
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return sorted(ts)[len(ts) // 2]


out = {
    "scipy pdist correlation (float64)": median_time(lambda: pdist(X.astype(np.float64), "correlation"), reps=1),
    "numpy 1-corrcoef (float64 BLAS)": median_time(lambda: 1 - np.corrcoef(X)),
    "scipy spearmanr (500k pairs)": median_time(lambda: stats.spearmanr(a, b)),
}
print(json.dumps(out))
