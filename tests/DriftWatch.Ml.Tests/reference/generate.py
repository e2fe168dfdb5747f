"""Reference values for DriftWatch.Ml.Tests, computed with scipy/numpy (run with /usr/bin/python3)."""
import json
import numpy as np
from scipy import stats

out = {}
ps = [0.25, 0.05, 0.001, 8.333333333333333e-4, 1e-6, 1e-10]
out["norm_isf"] = [{"p": p, "z": float(stats.norm.isf(p))} for p in ps]

neg = [0.1, 0.4, 0.35, 0.8, 0.4, 0.2, 0.55]
pos = [0.9, 0.4, 0.65, 0.8, 0.3, 0.95]
u = stats.mannwhitneyu(pos, neg, alternative="two-sided").statistic
out["auc"] = {"negatives": neg, "positives": pos, "auc": float(u / (len(neg) * len(pos)))}

# Unbiased MMD^2 (Gaussian kernel, bandwidth = median pairwise distance of the pooled sample)
# and centroid cosine distance for two small fixed samples.
rng = np.random.default_rng(7)
x = rng.normal(size=(6, 4))
y = rng.normal(loc=0.5, size=(5, 4))
z = np.vstack([x, y])
d = np.sqrt(((z[:, None, :] - z[None, :, :]) ** 2).sum(-1))
iu = np.triu_indices(len(z), 1)
sigma = float(np.median(d[iu]))
k = np.exp(-d ** 2 / (2 * sigma ** 2))
m, n = len(x), len(y)
kxx = (k[:m, :m].sum() - m) / (m * (m - 1))
kyy = (k[m:, m:].sum() - n) / (n * (n - 1))
kxy = k[:m, m:].mean()
cx, cy = x.mean(0), y.mean(0)
out["mmd"] = {
    "x": x.tolist(), "y": y.tolist(), "bandwidth": sigma,
    "mmd2": float(kxx + kyy - 2 * kxy),
    "centroid_distance": float(1 - cx @ cy / (np.linalg.norm(cx) * np.linalg.norm(cy))),
}
print(json.dumps(out, indent=1))
