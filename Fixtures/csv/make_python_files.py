"""Writes two CSV files with independent writers, and what they hold, for the reader's tests:
python_csv_module.csv (csv.writer: CRLF line ends, minimal quoting of commas, quotes and line
breaks) and pandas.csv (DataFrame.to_csv: float64 reprs up to 17 digits, a text label). The
expected values go to *.expected.json: feature rows as float32 bit patterns (rounded exactly from
the decimal text, see make_numbers.py), labels as category numbers in order of first appearance.
usage: python3 make_python_files.py   (in Fixtures/csv)
"""
import csv, json, random
import numpy as np, pandas as pd
from make_numbers import float32_bits

def expected(rows_text, labels):
    categories = []
    for label in labels:
        if label not in categories: categories.append(label)
    return {"features": [[float32_bits(v) for v in row] for row in rows_text],
            "labels": [categories.index(l) for l in labels], "categories": categories}

random.seed(3)
notes = ['plain', 'with, comma', 'with "quotes"', 'two\nlines', 'crlf\r\ninside', '', ' spaced ', 'ünïcödé']
species = ["setosa", "versicolor", "virginica, var. \"x\""]
rows, rows_text, labels = [], [], []
for i in range(40):
    a = f"{random.uniform(-100, 100):.4f}"; b = str(random.randint(-5, 500)); c = f"{random.uniform(0, 1):.6e}"
    label = random.choice(species)
    rows.append([a, random.choice(notes), b, label, c]); rows_text.append([a, b, c]); labels.append(label)
with open("python_csv_module.csv", "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["alpha", "note", "beta", "species", "gamma"])
    writer.writerows(rows)
json.dump(expected(rows_text, labels), open("python_csv_module.expected.json", "w"))

rng = np.random.default_rng(4)
frame = pd.DataFrame({
    "x1": rng.normal(size=60), "x2": rng.uniform(-1e-5, 1e-5, size=60), "x3": rng.integers(-1000, 1000, size=60),
    "x4": rng.normal(scale=1e20, size=60), "city": rng.choice(["Lyon", "Oslo", "São Paulo"], size=60)})
frame.to_csv("pandas.csv", index=False)
back = pd.read_csv("pandas.csv", dtype=str, keep_default_na=False)
json.dump(expected(back[["x1", "x2", "x3", "x4"]].values.tolist(), back["city"].tolist()), open("pandas.expected.json", "w"))

# The first 200 MNIST test images as make_formats.py writes MNIST as CSV (numpy.savetxt, label
# first, integer pixels 0-255, header label,p0..p783).
import gzip, struct
def read_idx(path):
    data = gzip.open(path, "rb").read()
    _, _, nd = struct.unpack(">HBB", data[:4])
    dims = struct.unpack(">" + "I" * nd, data[4:4 + 4 * nd])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)
images = read_idx("../mnist/t10k-images-idx3-ubyte.gz")[:200]
labels = read_idx("../mnist/t10k-labels-idx1-ubyte.gz")[:200]
with open("mnist_test_head.csv", "w") as f:
    f.write("label," + ",".join(f"p{i}" for i in range(784)) + "\n")
    np.savetxt(f, np.hstack([labels[:, None], images.reshape(len(images), -1)]), fmt="%d", delimiter=",")
