#!/usr/bin/python3
"""Reference values for DriftWatch.Core.Statistics, computed with scipy/numpy.

Run with Debian's interpreter (scipy 1.10):  /usr/bin/python3 generate.py > reference.json
The samples are generated here with a fixed seed and written into the JSON, so the C# tests feed the
same inputs to the C# implementation and compare with the values below.
"""
import json
import sys

import numpy as np
import scipy
from scipy import special, stats
from scipy.spatial.distance import jensenshannon

rng = np.random.default_rng(20260302)
PSI_FLOOR = 1e-4


def gamma_cases():
    cases = []
    for a in [0.5, 1.0, 1.5, 2.0, 3.5, 10.0, 37.5, 127.5]:
        for x in [0.01, 0.5, 1.0, 2.5, 7.0, 20.0, 60.0, 200.0]:
            cases.append({"a": a, "x": x, "p": special.gammainc(a, x), "q": special.gammaincc(a, x)})
    return cases


def chi2_cases():
    out = []
    for df in [1, 2, 3, 5, 10, 31, 255]:
        for x in [0.1, 1.0, 4.0, 12.0, 40.0, 300.0]:
            out.append({"x": x, "df": df, "sf": stats.chi2.sf(x, df)})
    isf = []
    for df in [1, 2, 4, 9, 31, 255]:
        for alpha in [0.05, 1e-3, 1e-5, 1e-7]:
            isf.append({"alpha": alpha, "df": df, "x": stats.chi2.isf(alpha, df)})
    return out, isf


def kolmogorov_cases():
    sf = [{"x": x, "sf": stats.kstwobign.sf(x)} for x in [0.3, 0.5, 0.8, 0.99, 1.0, 1.01, 1.36, 1.8, 2.5, 4.0]]
    isf = [{"alpha": a, "x": stats.kstwobign.isf(a)} for a in [0.2, 0.05, 1e-3, 1e-5, 1e-8]]
    return sf, isf


def normal_cases():
    return [{"p": p, "z": stats.norm.isf(p)} for p in [0.5, 0.3, 0.05, 0.01, 1e-4, 1e-8, 1e-15, 0.9, 0.999]]


def categorical_cases():
    tables = [
        ([500, 300, 200], [120, 80, 50]),
        ([610, 180, 120, 90], [180, 520, 200, 100]),
        ([50, 0, 25, 25], [10, 5, 0, 35]),
        ([1000, 1, 0, 3], [400, 0, 2, 1]),
        ([33, 33, 34], [30, 40, 30]),
        (list(rng.integers(0, 60, 40)), list(rng.integers(0, 20, 40))),
    ]
    out = []
    for ref, cur in tables:
        ref = [int(v) for v in ref]
        cur = [int(v) for v in cur]
        table = np.array([ref, cur], dtype=float)
        keep = table.sum(axis=0) > 0
        chi, p, dof, _ = stats.chi2_contingency(table[:, keep], correction=False)
        g, gp, gdof, _ = stats.chi2_contingency(table[:, keep], correction=False, lambda_="log-likelihood")
        pr = np.array(ref, float) / sum(ref)
        qc = np.array(cur, float) / sum(cur)
        used = (pr > 0) | (qc > 0)
        pf = np.maximum(pr[used], PSI_FLOOR)
        qf = np.maximum(qc[used], PSI_FLOOR)
        psi = float(np.sum((qf - pf) * np.log(qf / pf)))
        bc = float(np.sum(np.sqrt(pr * qc)))
        hellinger = float(np.sqrt(max(0.0, 1.0 - bc)))
        out.append({
            "reference": ref, "current": cur,
            "chi2": chi, "chi2_p": p, "chi2_df": int(dof),
            "g": g, "g_p": gp,
            "js": float(jensenshannon(pr, qc, base=2)),
            "psi": psi, "hellinger": hellinger,
        })
    return out


def hypergeom_cases():
    out = []
    for population, successes, draws in [(2250, 5, 250), (2250, 14, 250), (2250, 2000, 250), (40, 10, 12),
                                         (5000, 1, 250), (100000, 3000, 2000), (2250, 160, 250)]:
        low = max(0, draws - (population - successes))
        high = min(successes, draws)
        for k in sorted({low, low + 1, (low + high) // 2, high - 1, high, int(draws * successes / population) + 3}):
            if k < low or k > high:
                continue
            out.append({"population": population, "successes": successes, "draws": draws, "k": k,
                        "sf": float(stats.hypergeom.sf(k - 1, population, successes, draws)),
                        "cdf": float(stats.hypergeom.cdf(k, population, successes, draws))})
    return out


WELL_FILLED = 40


def sparse_homogeneity(ref, cur):
    """The rule of SparseHomogeneity.cs, written independently with scipy."""
    ref = np.array(ref, float)
    cur = np.array(cur, float)
    r, c = ref.sum(), cur.sum()
    used = (ref + cur) > 0
    well = used & (c * ref / r >= WELL_FILLED)
    sparse = used & ~well
    population, draws = int(round(r)) + int(round(c)), int(round(c))

    def two_sided(k, successes):
        return min(1.0, 2 * min(stats.hypergeom.sf(k - 1, population, successes, draws),
                                stats.hypergeom.cdf(k, population, successes, draws)))

    exact = [two_sided(int(round(cur[i])), int(round(ref[i])) + int(round(cur[i]))) for i in np.flatnonzero(sparse)]
    if sparse.sum() >= 2:
        exact.append(two_sided(int(round(cur[sparse].sum())), int(round(ref[sparse].sum())) + int(round(cur[sparse].sum()))))
    chi, chi_p, df = 0.0, 1.0, 0
    if well.sum() >= 2:
        chi, chi_p, df, _ = stats.chi2_contingency(np.array([ref[well], cur[well]]), correction=False)
    exact_adj = min(1.0, len(exact) * min(exact)) if exact else 1.0
    if df > 0 and exact:
        p = min(1.0, 2 * min(chi_p, exact_adj))
    elif df > 0:
        p = chi_p
    elif exact:
        p = exact_adj
    else:
        p = 1.0
    return {"reference": [float(v) for v in ref], "current": [float(v) for v in cur], "chi2": float(chi),
            "df": int(df), "chi2_p": float(chi_p), "exact_tests": len(exact),
            "exact_min_p": float(min(exact)) if exact else 1.0, "p": float(p)}


def sparse_cases():
    tables = [
        ([2000, 0], [245, 5]),                       # reference 100% one category, a new value appears
        ([1992, 8], [244, 6]),                       # a rare status 0.4% -> 2.4%
        ([1200, 500, 292, 8], [150, 60, 34, 6]),     # well-filled and sparse categories together
        ([1200, 500, 292, 8], [60, 150, 34, 6]),     # a move among the well-filled ones
        ([1000, 600, 3, 1, 0], [120, 80, 10, 2, 3]),
        ([700, 700, 600], [80, 90, 80]),             # chi-square part only
        ([30, 10, 5], [20, 8, 2]),                   # exact part only
    ]
    return [sparse_homogeneity(ref, cur) for ref, cur in tables]


def sample_pairs():
    pairs = [
        (rng.normal(0, 1, 60), rng.normal(0.4, 1, 45)),
        (rng.normal(0, 1, 100), rng.normal(0, 1, 100)),
        (np.round(rng.exponential(2.0, 80), 1), np.round(rng.exponential(2.6, 50), 1)),
        (rng.uniform(0, 1, 37), rng.uniform(0.1, 1.1, 53)),
        (np.round(rng.normal(500, 80, 200)), np.round(rng.normal(520, 90, 150))),
        (rng.normal(0, 1, 12), rng.normal(0, 1, 18)),
    ]
    out = []
    for a, b in pairs:
        a = [float(v) for v in a]
        b = [float(v) for v in b]
        ks = stats.ks_2samp(a, b, method="exact")
        en = len(a) * len(b) / (len(a) + len(b))
        sa = np.sort(a)
        iqr = float(np.quantile(sa, 0.75) - np.quantile(sa, 0.25))
        scale = iqr if iqr > 0 else (float(np.std(sa)) or 1.0)
        w = stats.wasserstein_distance(a, b)
        out.append({
            "a": a, "b": b,
            "ks": float(ks.statistic), "ks_p_exact": float(ks.pvalue),
            "ks_p_asymptotic": float(stats.kstwobign.sf(np.sqrt(en) * ks.statistic)),
            "wasserstein": w, "wasserstein_normalised": w / scale,
            "quantiles": [float(np.quantile(sa, q)) for q in [0.0, 0.1, 0.25, 0.5, 0.9, 1.0]],
        })
    return out


def ks_edge_cases():
    """Two-sample KS cases at the edges of the lattice walk: ties, equal sizes, tiny samples, D = 1."""
    edge = np.random.default_rng(20261203)  # its own generator: the cases above keep their values
    pairs = [
        ([1.0] * 5, [1.0] * 7),                                   # all ties: D = 0, p = 1
        ([0.0, 1.0, 1.0, 2.0], [1.0, 1.0, 1.0]),                  # ties across the samples
        ([float(v) for v in range(10)], [float(v) + 100 for v in range(10)]),  # disjoint, m = n: D = 1
        ([float(v) for v in range(30)], [-1.0]),                  # n = 1
        ([0.5], [float(v) for v in range(7)]),                    # m = 1
        ([float(v) for v in np.round(edge.normal(0, 1, 250), 1)],
         [float(v) for v in np.round(edge.normal(0, 1, 250), 1)]),             # m = n, heavy ties
        ([float(v) for v in np.round(edge.normal(0, 1, 2000), 3)],
         [float(v) for v in np.round(edge.normal(0.25, 1, 250), 3)]),          # the benchmark's shape
        ([float(v) for v in np.round(edge.normal(0, 1, 2000), 2)],
         [float(v) for v in np.round(edge.normal(0, 1.4, 250), 2)]),           # wider window, ties
        ([float(v) for v in np.round(edge.uniform(0, 1, 120), 2)],
         [float(v) for v in np.round(edge.uniform(0, 1, 45), 2)]),             # gcd 15
    ]
    out = []
    for a, b in pairs:
        ks = stats.ks_2samp(a, b, method="exact")
        out.append({"a": a, "b": b, "ks": float(ks.statistic), "ks_p_exact": float(ks.pvalue)})
    return out


def mmd_cases():
    out = []
    for m, n, dim, shift, bw in [(20, 25, 3, 0.0, 1.0), (30, 30, 4, 0.8, 1.5), (15, 40, 2, 0.3, 0.7)]:
        x = rng.normal(0, 1, (m, dim))
        y = rng.normal(shift, 1, (n, dim))

        def k(u, v):
            d2 = ((u[:, None, :] - v[None, :, :]) ** 2).sum(-1)
            return np.exp(-d2 / (2 * bw * bw))

        kxx, kyy, kxy = k(x, x), k(y, y), k(x, y)
        mmd2 = ((kxx.sum() - np.trace(kxx)) / (m * (m - 1))
                + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
                - 2 * kxy.mean())
        out.append({"x": x.ravel().tolist(), "y": y.ravel().tolist(), "dimension": dim,
                    "bandwidth": bw, "mmd2": float(mmd2)})
    return out


def change_detection_cases():
    xs = np.concatenate([rng.normal(0, 1, 40), rng.normal(1.5, 1, 20)])
    k = 0.5
    s, cusum = 0.0, []
    for v in xs:
        s = max(0.0, s + v - k)
        cusum.append(s)
    delta = 0.05
    total, mean, cm, mn, ph = 0, 0.0, 0.0, 0.0, []
    for v in xs:
        total += 1
        mean += (v - mean) / total
        cm += v - mean - delta
        mn = min(mn, cm)
        ph.append(cm - mn)
    arl = []
    for h, kk in [(4.0, 0.5), (5.0, 0.5), (8.0, 0.5), (6.0, 0.25)]:
        b = h + 1.166
        arl.append({"h": h, "k": kk, "arl": (np.exp(2 * kk * b) - 2 * kk * b - 1) / (2 * kk * kk)})
    return {"x": xs.tolist(), "k": k, "cusum": cusum, "delta": delta, "page_hinkley": ph, "arl": arl}


def main():
    chi2_sf, chi2_isf = chi2_cases()
    kol_sf, kol_isf = kolmogorov_cases()
    doc = {
        "generator": f"generate.py with scipy {scipy.__version__}, numpy {np.__version__}",
        "log_gamma": [{"x": x, "value": special.gammaln(x)} for x in [0.1, 0.5, 1.0, 1.5, 3.0, 10.5, 127.5, 1000.0]],
        "gamma": gamma_cases(),
        "chi2_sf": chi2_sf, "chi2_isf": chi2_isf,
        "kolmogorov_sf": kol_sf, "kolmogorov_isf": kol_isf,
        "normal_isf": normal_cases(),
        "categorical": categorical_cases(),
        "hypergeom": hypergeom_cases(),
        "sparse_homogeneity": sparse_cases(),
        "samples": sample_pairs(),
        "mmd": mmd_cases(),
        "change_detection": change_detection_cases(),
        "ks_edges": ks_edge_cases(),
    }
    json.dump(doc, sys.stdout, indent=1, default=float)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
