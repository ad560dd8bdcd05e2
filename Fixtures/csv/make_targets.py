"""Writes the real-valued target files with Python's csv module, and what they hold, for the
target tests: line.csv (y = -5x + noise, x and y as Python floats, so reprs of up to 17 digits
such as -4.8999999999999995) and multi_target.csv (two target columns u and v, neither first,
among features, a text column, integers, scientific notation and quoted fields). The expected
values go to targets.expected.json as float32 bit patterns: rounded exactly from the decimal text
(make_numbers.float32_bits) and checked equal to numpy's float32 of the same text.
usage: python3 make_targets.py   (in Fixtures/csv; seeded, so a rerun reproduces the files)
"""
import csv, json, random
import numpy as np
from make_numbers import float32_bits

def bits(texts):
    exact = [float32_bits(t) for t in texts]
    numpy = np.array([np.float32(t) for t in texts], dtype=np.float32).view(np.uint32).tolist()
    assert exact == numpy, "numpy's float32 disagrees with exact rounding"
    return exact

random.seed(12)
line = [["x", "y"]]
for i in range(100):
    x = -5 + 0.1 * i
    line.append([x, -5 * x + random.gauss(0, 0.4)])
with open("line.csv", "w", newline="") as f:
    csv.writer(f).writerows(line)
# What the file holds, as the reader sees it: the text csv wrote.
with open("line.csv", newline="") as f:
    rows = list(csv.reader(f))[1:]
expected = {"line": {"x": bits([r[0] for r in rows]), "y": bits([r[1] for r in rows])}}

multi = [["a", "u", "note", "b", "v", "c"]]
notes = ["plain", "with, comma", 'with "quotes"', "two\nlines", ""]
for i in range(40):
    a = random.uniform(-100, 100)
    u = f"{random.uniform(-1, 1) * 10 ** random.randint(-8, 8):.6e}"
    b = random.randint(-500, 500)
    v = random.choice([str(random.randint(-9, 9)), repr(random.gauss(0, 1e3)), f" {random.uniform(0, 1):.3f} "])
    c = f"{random.uniform(0, 1):.4f}"
    multi.append([a, u, random.choice(notes), b, v, c])
with open("multi_target.csv", "w", newline="") as f:
    csv.writer(f, quoting=csv.QUOTE_NONNUMERIC).writerows(multi)
with open("multi_target.csv", newline="") as f:
    rows = list(csv.reader(f))[1:]
expected["multi_target"] = {name: bits([r[column] for r in rows]) for column, name in [(0, "a"), (1, "u"), (3, "b"), (4, "v"), (5, "c")]}
with open("targets.expected.json", "w") as f:
    json.dump(expected, f)
