"""Writes the first seed program's data, y = -5x + noise, for the command-line regression tests:
line.csv (Python's csv module: columns x, y) and line.h5 (h5py: /x
float32 of shape (100, 1), /y float64 of shape (100,)), and line.json with numpy's least-squares
slope, intercept and R² of the same values as the reader sees them (float32).

usage: python make_line.py   (numpy and h5py; seeded, so a rerun writes the same values)
"""
import csv, json, os
import numpy as np
import h5py

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(5)
x = np.arange(-5, 5, 0.1)
y = -5 * x + rng.normal(0, 0.4, size=x.shape)
with open(os.path.join(here, "line.csv"), "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["x", "y"])
    for a, b in zip(x, y):
        writer.writerow([repr(float(a)), repr(float(b))])
with h5py.File(os.path.join(here, "line.h5"), "w", track_order=False) as f:
    f.create_dataset("x", data=x.reshape(-1, 1).astype(np.float32))
    f.create_dataset("y", data=y.astype(np.float64))

x32, y32 = x.astype(np.float32).astype(np.float64), y.astype(np.float32).astype(np.float64)
slope, intercept = np.polyfit(x32, y32, 1)
residual = y32 - (slope * x32 + intercept)
r2 = 1 - (residual ** 2).sum() / ((y32 - y32.mean()) ** 2).sum()
with open(os.path.join(here, "line.json"), "w") as f:
    json.dump({"slope": slope, "intercept": intercept, "r2": r2}, f, indent=1)
    f.write("\n")
