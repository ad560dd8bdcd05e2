"""Writes regression.json: PyTorch's MSELoss, L1Loss and HuberLoss (mean reduction) with their
gradients, and numpy's RMSE, MAE and R² (uniform average over outputs, as scikit-learn's
r2_score), for the Training module's RegressionTests.

usage: python make_regression.py   (PyTorch 2.x and numpy; writes regression.json beside this script)

Losses: a 6 x 2 prediction against a target of the same shape, with differences both inside and
beyond Huber's delta, and one difference exactly 0 (L1's gradient there is 0).
Metrics: 40 samples of 3 outputs in four batches (10 each), targets around 1000 so that a
metric summing y² naively in float32 would lose them.
"""
import json, os
import numpy as np
import torch, torch.nn as nn

def flat(t):
    # Nine significant digits round-trip a float32 exactly.
    return [float("%.9g" % v) for v in np.asarray(t, dtype=np.float32).reshape(-1).tolist()]

torch.manual_seed(4)
prediction = (torch.randn(6, 2) * 2).float()
target = (torch.randn(6, 2) * 2).float()
target[2, 1] = prediction[2, 1]

out = {"prediction": flat(prediction), "target": flat(target), "shape": [6, 2], "losses": {}}
for name, loss in [("mse", nn.MSELoss()), ("l1", nn.L1Loss()), ("huber1", nn.HuberLoss(delta=1.0)),
                   ("huber05", nn.HuberLoss(delta=0.5))]:
    p = prediction.clone().requires_grad_(True)
    value = loss(p, target)
    value.backward()
    out["losses"][name] = {"value": float("%.9g" % value.item()), "gradient": flat(p.grad)}

rng = np.random.default_rng(11)
y = (1000 + rng.normal(0, 3, size=(40, 3))).astype(np.float32)
p = (y + rng.normal(0, 1, size=(40, 3))).astype(np.float32)
d = p.astype(np.float64) - y.astype(np.float64)
y64 = y.astype(np.float64)
r2 = np.mean(1 - (d ** 2).sum(axis=0) / ((y64 - y64.mean(axis=0)) ** 2).sum(axis=0))
out["metrics"] = {
    "outputs": flat(p), "targets": flat(y), "shape": [40, 3], "batch": 10,
    "rmse": float(np.sqrt(np.mean(d ** 2))), "mae": float(np.mean(np.abs(d))), "r2": float(r2),
    "mse": float(np.mean(d ** 2)),
}

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "regression.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
