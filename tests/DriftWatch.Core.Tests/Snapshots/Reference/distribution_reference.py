#!/usr/bin/python3
"""Reference values for the snapshot diff statistics, from scipy (an independent implementation).

Run with Debian's python3 (which has scipy):
    /usr/bin/python3 distribution_reference.py > distribution_reference.json
"""
import json

import numpy as np
import scipy
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2, chi2_contingency, kstwobign

pairs = [
    ([10, 20, 30], [30, 20, 10]),
    ([610, 150, 120, 120], [180, 550, 150, 120]),
    ([1, 0, 0], [0, 1, 0]),
    ([5, 5, 5, 5], [5, 5, 5, 5]),
    ([100, 1, 0, 7], [90, 3, 2, 9]),
]

js = [{"p": p, "q": q, "distance": float(jensenshannon(p, q, base=2))} for p, q in pairs]

g_tests = []
for a, b in pairs:
    table = np.array([a, b], dtype=float)
    table = table[:, table.sum(axis=0) > 0]
    if np.allclose(table[0] / table[0].sum(), table[1] / table[1].sum()):
        stat, p, dof = 0.0, 1.0, table.shape[1] - 1
    else:
        stat, p, dof, _ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
    g_tests.append({"a": a, "b": b, "statistic": float(stat), "dof": int(dof), "p_value": float(p)})

chi2_sf = [{"x": x, "df": df, "sf": float(chi2.sf(x, df))}
           for x, df in [(0.5, 1), (3.84, 1), (10.0, 3), (41.2, 9), (100.0, 50), (2.0, 7), (600.0, 511), (30.0, 2)]]

kolmogorov = [{"lambda": lam, "sf": float(kstwobign.sf(lam))} for lam in [0.1, 0.25, 0.29, 0.31, 0.5, 0.8, 1.0, 1.36, 1.63, 2.5]]

log_gamma = [{"x": x, "value": float(scipy.special.gammaln(x))} for x in [0.1, 0.5, 1.0, 2.5, 10.0, 255.5]]

print(json.dumps({"scipy_version": scipy.__version__, "jensen_shannon": js, "g_test": g_tests,
                  "chi2_sf": chi2_sf, "kolmogorov_sf": kolmogorov, "log_gamma": log_gamma}, indent=2))
