"""Writes the files behind the inspection and refusal tests into inspect/, with Python's csv,
gzip, bz2, lzma and zipfile modules and numpy, and what they hold to inspect.expected.json:
every statistic worked out here, integers exactly (Python ints, as decimal strings) and float
sums as Python adds floats (each value correctly rounded, in file order).
usage: python3 make_inspect_files.py   (in Fixtures/csv; seeded and mtime-free, so a rerun
reproduces every byte)
"""
import bz2, csv, fractions, gzip, io, json, lzma, math, os, random, zipfile
import numpy as np

OUT = "inspect"
os.makedirs(OUT, exist_ok=True)
random.seed(11)
expected = {}

# Integers that a Double cannot hold: the pair (true sum 1), quoted values near 2^53,
# Int64's extremes, random values over Int64's whole range, and a column that leaves the range
# by one, which must become float with a Double sum.
near = [2**53 + 1, 2**53 + 3, -(2**53) - 1, 2**53 - 1]
columns = {
    "issue": [1234567890123456789, -1234567890123456788, 0, 0],
    "near_2_53": near,
    "extremes": [2**63 - 1, -(2**63), 2**63 - 1, -1],
    "random": [random.randint(-(2**63), 2**63 - 1) for _ in range(4)],
    "beyond": [2**63, 1, -(2**63) - 1, 12345678901234567890123],
}
rows = 4
# More random rows make the Int128 sum leave Int64's range.
for _ in range(196):
    for name in columns:
        columns[name].append({"issue": 0, "near_2_53": 2**53 + 1, "extremes": 2**63 - 1, "random": random.randint(-(2**63), 2**63 - 1),
                              "beyond": random.randint(2**63, 2**70)}[name])
    rows += 1
# near_2_53 quoted (csv.QUOTE_ALL), as spreadsheets export numbers kept as text; the rest minimal.
with open(f"{OUT}/int64_columns.csv", "w", newline="") as f:
    names = list(columns)
    f.write(",".join(names) + "\r\n")
    for row in range(rows):
        fields = []
        for name in names:
            buffer = io.StringIO()
            csv.writer(buffer, quoting=csv.QUOTE_ALL if name == "near_2_53" else csv.QUOTE_MINIMAL, lineterminator="").writerow([columns[name][row]])
            fields.append(buffer.getvalue())
        f.write(",".join(fields) + "\r\n")
def moments(values):
    """Mean and sample standard deviation (n - 1) leaving NaN out, exact from the values (Python
    fractions) then rounded once: an infinity makes the mean that infinity (both signs: nan) and
    the deviation nan; fewer than two values have no deviation."""
    real = [v for v in values if not (isinstance(v, float) and math.isnan(v))]
    name = lambda v: "nan" if math.isnan(v) else ("inf" if v == math.inf else "-inf" if v == -math.inf else repr(v))
    if not real: return {"mean": None, "std": None}
    infinite = {v for v in real if isinstance(v, float) and math.isinf(v)}
    if infinite:
        return {"mean": name(infinite.pop() if len(infinite) == 1 else math.nan), "std": "nan" if len(real) > 1 else None}
    exact = [fractions.Fraction(v) for v in real]
    mean = sum(exact) / len(exact)
    variance = sum((v - mean) ** 2 for v in exact) / (len(exact) - 1) if len(exact) > 1 else None
    return {"mean": repr(float(mean)), "std": repr(math.sqrt(float(variance))) if variance is not None else None}

summary = []
for name, values in columns.items():
    if all(-(2**63) <= v < 2**63 for v in values):
        summary.append({"name": name, "type": "int", "sum": str(sum(values)), "min": str(min(values)), "max": str(max(values)), **moments(values)})
    else:
        total = 0.0
        for v in values: total += float(v)
        summary.append({"name": name, "type": "float", "sum": repr(total), "min": repr(float(min(values))), "max": repr(float(max(values))),
                        **moments([float(v) for v in values])})
expected["int64_columns.csv"] = {"rows": rows, "columns": summary}

# Floats with infinities and NaN: sums skip nothing (a NaN makes the sum nan), min and max skip NaN;
# a column of NaN alone has neither.
float_rows = [("1.5", "nan", "inf"), ("-inf", "nan", "2"), ("2.25", "NaN", "-0.5")]
with open(f"{OUT}/nonfinite.csv", "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["mixed", "only_nan", "plus_inf"])
    writer.writerows(float_rows)
def stats(texts):
    values = [float(t) for t in texts]
    total = 0.0
    for v in values: total += v
    real = [v for v in values if not math.isnan(v)]
    name = lambda v: "nan" if math.isnan(v) else ("inf" if v == math.inf else "-inf" if v == -math.inf else repr(v))
    return {"sum": name(total), "min": name(min(real)) if real else None, "max": name(max(real)) if real else None, **moments(values)}
expected["nonfinite.csv"] = {"rows": 3, "columns": [dict(name=n, type="float", **stats([r[i] for r in float_rows])) for i, n in enumerate(["mixed", "only_nan", "plus_inf"])]}

# Two columns named label, and x between them; with x as the label, both label columns are
# features by position.
duplicate_rows = [[1, 4, 7.5], [0, 5, 8.25]]
with open(f"{OUT}/duplicate_label.csv", "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["label", "x", "label"])
    writer.writerows(duplicate_rows)
expected["duplicate_label.csv"] = {"name": "label", "columns": [1, 3], "line": 1, "column": len("label,x,") + 1,
                                   "x_as_label": {"labels": [r[1] for r in duplicate_rows], "features": [[r[0], r[2]] for r in duplicate_rows]}}

# A CSV compressed by each common tool's Python module under a .csv.* name: gzip is read, the
# others are refused by name. gzip bytes also under a plain .csv name, and python_csv_module.csv
# gzipped in two members split inside a quoted field (read as gzip -d reads it: one text).
text = b"label,x\n1,0.5\n0,1.5\n"
refused = {"bzip2": bz2.compress(text), "xz": lzma.compress(text)}
archive = io.BytesIO()
with zipfile.ZipFile(archive, "w") as z:
    z.writestr(zipfile.ZipInfo("table.csv", date_time=(1980, 1, 1, 0, 0, 0)), text)
refused["zip"] = archive.getvalue()
suffixes = {"bzip2": "bz2", "xz": "xz", "zip": "zip"}
for kind, data in refused.items():
    open(f"{OUT}/table.csv.{suffixes[kind]}", "wb").write(data)
expected["compressed"] = {f"table.csv.{suffixes[k]}": k for k in refused}
open(f"{OUT}/table.csv.gz", "wb").write(gzip.compress(text, mtime=0))
open(f"{OUT}/gzip_bytes.csv", "wb").write(gzip.compress(text, mtime=0))
expected["gzipped"] = {"files": ["table.csv.gz", "gzip_bytes.csv"], "labels": [1, 0], "features": [[0.5], [1.5]]}
plain = open("python_csv_module.csv", "rb").read()
split = plain.index(b'"with, comma"') + 5
open(f"{OUT}/python_csv_module.csv.gz", "wb").write(gzip.compress(plain[:split], mtime=0) + gzip.compress(plain[split:], mtime=0))
# Damage inside gzip: an unterminated quote (reported at the text's line and column), and a
# member cut 3 bytes short (reported by the gzip reader at the compressed file's end).
damaged = b'a,b\n1,2\n3,"4\n'
open(f"{OUT}/unterminated.csv.gz", "wb").write(gzip.compress(damaged, mtime=0))
cut = gzip.compress(b"a,b\n1,2\n3,4\n", mtime=0)[:-3]
open(f"{OUT}/cut.csv.gz", "wb").write(cut)
# A bomb: a header and a record, then 16 MiB of the digit 0 with no line break (16 KB of gzip).
bomb_head = b"x,label\n1,0\n"
open(f"{OUT}/bomb.csv.gz", "wb").write(gzip.compress(bomb_head + b"0" * (16 << 20), mtime=0))
expected["bomb.csv.gz"] = {"head_bytes": len(bomb_head), "line": bomb_head.count(b"\n") + 1, "column": 1, "text_bytes": len(bomb_head) + (16 << 20)}
last_line = damaged.count(b"\n") + 1
quote = damaged.index(b'"')
expected["damaged_gzip"] = {
    "unterminated.csv.gz": {"line": last_line, "column": 1, "quote_line": damaged[:quote].count(b"\n") + 1,
                            "quote_column": quote - damaged[:quote].rindex(b"\n")},
    "cut.csv.gz": {"offset": len(cut)},
}

# IDX float data with infinities: float32 [1.5, inf, -2.25, nan, 3.0, -0.5] and float64
# [+inf, -inf, 1.0] (numpy: nansum inf and nan, nanmin, nanmax).
def write_idx(path, array, code):
    with open(path, "wb") as f:
        f.write(bytes([0, 0, code, array.ndim]))
        f.write(np.array(array.shape, dtype=">u4").tobytes())
        f.write(array.tobytes())
def idx_stats(array):
    values = array.astype(np.float64)
    real = values[~np.isnan(values)]
    np.seterr(invalid="ignore")   # inf + -inf is nan, as wanted
    name = lambda v: "nan" if math.isnan(v) else ("inf" if v == math.inf else "-inf" if v == -math.inf else repr(float(v)))
    return {"sum": name(float(np.nansum(values))), "min": name(float(np.nanmin(real))), "max": name(float(np.nanmax(real))),
            "nan": int(np.isnan(values).sum())}
f32 = np.array([[1.5, np.inf, -2.25], [np.nan, 3.0, -0.5]], dtype=">f4")
f64 = np.array([np.inf, -np.inf, 1.0], dtype=">f8")
write_idx(f"{OUT}/float32_inf.idx", f32, 0x0D)
write_idx(f"{OUT}/float64_both_infinities.idx", f64, 0x0E)
expected["float32_inf.idx"] = {"dtype": "float32", "shape": [2, 3]} | idx_stats(f32)
expected["float64_both_infinities.idx"] = {"dtype": "float64", "shape": [3]} | idx_stats(f64)

with open(f"{OUT}/inspect.expected.json", "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write("\n")
