"""The HDF5 mutation campaign: damages the h5py-written fixtures in thousands of seeded ways and
reads every variant in child processes with a deadline, through SwiftLoaders (hdf5-probe: every
dataset by HDF5File and HDF5Dataset, each read compared with libhdf5's own), `loaders inspect`,
and h5py (HDF5 2.x, an independent reader). Prints the outcome classes; saves every variant that
crashed, hung, or read differently, with what reproduces it, in the output folder.

usage: python3 fuzz_hdf5.py --probe .build/release/hdf5-probe --loaders .build/release/loaders
                            [--count 3000] [--seed 1] [--out fuzz-hdf5-out] [--jobs 2]
"""
import argparse, collections, json, math, multiprocessing, os, resource, signal, struct, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hdf5_map, mutations

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Fixtures", "hdf5")
# The valid files the variants start from, and the features/labels pairs read as HDF5Dataset.
PAIRS = {
    "byte_orders.h5": ["/big/f4:/labels", "/little/i8:/labels", "/big/u2:/labels"],
    "chunked_gzip_shuffle.h5": ["/images:/labels"],
    "contiguous_uint8.h5": ["/images:/labels"],
    "corrupt_chunk.h5": ["/images:/labels", "/deflated:/labels"],
    "empty_rows.h5": [],
    "nested.h5": ["/data/train/x:/data/train/y", "/data/test/x:/data/test/y"],
    "resizable.h5": ["/images:/labels", "/compact:/compact_labels"],
    "unsupported.h5": ["/images:/labels"],
    "userblock.h5": ["/images:/labels", "/chunked:/labels"],
    "written_by_loaders.h5": ["/images:/labels"],
}
# Outcome classes, worst first; a variant gets the worst that applies.
CLASSES = ["inspect crash", "crash", "timeout", "memory", "mismatch", "untyped", "inspect disagrees", "h5py differs",
           "h5py refuses", "stricter", "inspect deadline", "too large", "typed error", "read"]
# Classes that are findings (the rest: the read was correct, or refused with a typed error).
FINDINGS = CLASSES[:CLASSES.index("h5py differs") + 1]
MEMORY_LIMIT = 4 << 30     # address space of each child (None: unlimited, as AddressSanitizer needs)
INSPECT_TIMEOUT = 5        # `loaders inspect --timeout`: every fixture's dataset takes under 1 s
MEMORY_ALARM = 1 << 30     # a child whose resident memory passes this is a finding


class Child:
    """How one child process ended: exit status or signal, or killed at its deadline."""

    def __init__(self, command, timeout, directory):
        out, err = (open(os.path.join(directory, name), "w+b") for name in ("stdout", "stderr"))

        def limits():
            if MEMORY_LIMIT:
                resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        # A crash should end the child at once, as a signal, not start Swift's backtracer.
        environment = dict(os.environ, SWIFT_BACKTRACE="enable=no")
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=environment,
                                   preexec_fn=limits)
        deadline, self.timed_out = time.monotonic() + timeout, False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                self.timed_out = True
                os.kill(process.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.002)
        process.returncode = 0  # reaped by wait4 above
        self.signal = os.WTERMSIG(status) if os.WIFSIGNALED(status) and not self.timed_out else None
        self.status = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        self.max_rss = usage.ru_maxrss * 1024
        out.seek(0), err.seek(0)
        self.stdout, self.stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        out.close(), err.close()

    def last_step(self):
        steps = [line for line in self.stderr.splitlines() if line.startswith("step: ")]
        return steps[-1][6:] if steps else "start"


def read_with_h5py(path, datasets, timeout):
    """Every dataset as h5py reads it, in a forked child with a deadline, or why it could not."""
    try:
        import h5py, numpy
    except ImportError:
        return None
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        if MEMORY_LIMIT:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        signal.alarm(timeout)
        result = {}
        try:
            with h5py.File(path, "r") as file:
                for name in datasets:
                    try:
                        dataset = file[name]
                        kind, size = dataset.dtype.kind, dataset.dtype.itemsize
                        if kind not in "iuf" or kind == "f" and size < 4:
                            continue
                        # numpy cannot hold some empty shapes ([2^60, 0]); there is nothing to read.
                        values = dataset[()] if dataset.size else numpy.zeros(0)
                        canonical = {"i": "<i8", "u": "<u8", "f": "<f8"}[kind]
                        result[name] = {
                            "dtype": dataset.dtype.newbyteorder("=").name, "shape": list(dataset.shape),
                            "byteOrder": "big" if dataset.dtype.byteorder == ">" else "little",
                            "values": numpy.asarray(values).astype(canonical).tobytes().hex()}
                    except Exception as error:  # noqa: BLE001 - any refusal is an answer
                        result[name] = {"error": f"{type(error).__name__}: {error}"}
            payload = {"datasets": result}
        except Exception as error:  # noqa: BLE001
            payload = {"error": f"{type(error).__name__}: {error}"}
        data = json.dumps(payload).encode()
        while data:
            data = data[os.write(write_end, data):]
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        text = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return {"error": f"h5py ended by {signal.Signals(os.WTERMSIG(status)).name}"}
    return json.loads(text)


def statistics(dtype, values_hex):
    """What `loaders inspect --dataset` prints for these values: sum, min and max."""
    data = bytes.fromhex(values_hex)
    if dtype.startswith("float"):
        values = [v for (v,) in struct.iter_unpack("<d", data)]
        if not values:
            return 0.0, None, None
        total, low, high = 0.0, math.inf, -math.inf
        for value in values:          # as Swift's min and max: a NaN never replaces the running value
            total += value
            low = value if value < low else low
            high = value if value >= high else high
        if dtype == "float32":
            low, high = (struct.unpack("<f", struct.pack("<f", v))[0] for v in (low, high))
        finite = lambda v: v if math.isfinite(v) else None
        return finite(total), finite(low), finite(high)
    values = [v for (v,) in struct.iter_unpack("<Q" if dtype.startswith("uint") else "<q", data)]
    return (sum(values), min(values), max(values)) if values else (0, None, None)


def one_line_error(child, path):
    """Whether a failed `loaders inspect` printed one line naming the file."""
    return child.status == 1 and child.stderr.count("\n") == 1 and child.stderr.startswith(f"loaders inspect: {path}")


def check(job):
    """Reads one variant every way; returns its class, the reasons, and its error code."""
    spec, options = job
    variant = mutations.Variant.from_spec(spec)
    data = variant.apply(BASES[variant.base][0])
    directory = tempfile.mkdtemp(prefix="variant-", dir=options["work"])
    path = os.path.join(directory, "variant.h5")
    with open(path, "wb") as out:
        out.write(data)
    datasets = BASELINE[variant.base]
    problems, code = [], None
    probe = Child([options["probe"], path] + [a for d in datasets for a in ("--dataset", d)]
                  + [a for p in PAIRS[variant.base] for a in ("--pair", p)], options["timeout"], directory)
    # inspect's own deadline comes first, so that its report of an overrun is what is checked.
    inspect = [options["loaders"], "inspect", path, "--json", "--timeout", str(min(INSPECT_TIMEOUT, options["timeout"] // 2))]
    listing = Child(inspect, options["timeout"], directory)
    chosen = datasets[sum(variant.name.encode()) % len(datasets)] if datasets else "/images"
    summary = Child(inspect + ["--dataset", chosen], options["timeout"], directory)
    for label, child in [("hdf5-probe", probe), ("loaders inspect", listing), (f"loaders inspect --dataset {chosen}", summary)]:
        problems += how_it_ended(label, child, child is probe, options["timeout"])
    report = None
    if probe.status == 0:
        report = json.loads(probe.stdout)
        code, found = probe_findings(report)
        problems += found
    elif probe.status is not None and not any(kind == "crash" for kind, _ in problems):
        problems.append(("untyped", f"hdf5-probe exited with {probe.status}: {probe.stderr.strip()[-300:]}"))

    if report is not None and listing.status is not None and summary.status is not None:
        problems += compare_inspect(report, listing, summary, chosen, path)
        h5py_result = read_with_h5py(path, [d["path"] for d in report["datasets"]], options["timeout"])
        if h5py_result is not None:
            problems += compare_h5py(report, h5py_result)
    kind = min((CLASSES.index(c) for c, _ in problems), default=CLASSES.index("read"))
    outcome = CLASSES[kind]
    result = {"spec": spec, "class": outcome, "code": code if outcome == "typed error" else None,
              "reasons": [reason for c, reason in problems if CLASSES.index(c) == kind][:5]}
    if outcome in FINDINGS:
        save(options["out"], variant, data, result, [probe, listing, summary])
    for name in os.listdir(directory):
        os.remove(os.path.join(directory, name))
    os.rmdir(directory)
    return result


def how_it_ended(label, child, is_probe, timeout):
    """A crash, a hang, an overrun of inspect's own deadline, or too much memory, if any."""
    if child.signal:
        return [("crash" if is_probe else "inspect crash", f"{label}: {signal.Signals(child.signal).name} in {child.last_step()}")]
    report = next((line for line in child.stderr.splitlines() if "ERROR: AddressSanitizer" in line), None)
    if report:  # a sanitized probe reports a memory error and exits
        return [("crash", f"{label}: {report.split('ERROR: ')[1]} in {child.last_step()}")]
    if "reading did not finish within" in child.stderr:
        return [("inspect deadline", f"{label}: {child.stderr.strip()}")]
    if child.timed_out:
        return [("timeout", f"{label}: no answer within {timeout} s, in {child.last_step()}")]
    if child.max_rss > MEMORY_ALARM:
        return [("memory", f"{label}: {child.max_rss >> 20} MiB resident")]
    return []


def probe_findings(report):
    """The probe's verdicts as problems, and the code of the first typed error."""
    problems, code = [], None
    findings = [("open", report["open"])] + [(d["path"], d["finding"]) for d in report["datasets"]] \
        + [(f"{p['features']}:{p['labels']}", p["finding"]) for p in report["pairs"]]
    for place, finding in findings:
        verdict, detail = finding["verdict"], f"{place}: {finding.get('detail')}"
        if verdict in ("mismatch", "untyped", "stricter"):
            problems.append((verdict, detail))
        elif verdict == "tooLarge":
            problems.append(("too large", detail))
        elif verdict == "refused":
            code = code or finding["code"]
            problems.append(("typed error", detail))
    return code, problems


def compare_inspect(report, listing, summary, chosen, path):
    """`loaders inspect` must list what the probe read, and summarise the chosen dataset's values exactly."""
    problems = []
    opened = report["open"]["verdict"] == "read"
    if opened and listing.status == 0:
        listed = [d["path"] for d in json.loads(listing.stdout)["datasets"]]
        if listed != report["listing"]:
            problems.append(("inspect disagrees", f"inspect lists {listed}, the probe {report['listing']}"))
    elif opened and "libhdf5 crashed" not in listing.stderr or not opened and not one_line_error(listing, path):
        problems.append(("inspect disagrees" if opened else "untyped", f"inspect: status {listing.status}: {listing.stderr.strip()[:300]}"))
    entry = next((d for d in report["datasets"] if d["path"] == chosen), None)
    if entry and entry["finding"]["verdict"] == "read":
        if summary.status != 0:
            problems.append(("inspect disagrees", f"inspect --dataset {chosen} failed where the probe read it: {summary.stderr.strip()[:300]}"))
        else:
            printed = json.loads(summary.stdout)
            expected = statistics(entry["dtype"], entry["values"])
            shown = [printed["sum"], printed["min"], printed["max"]]
            if entry["dtype"] == "float32":  # printed as the shortest text of the float32 value
                shown[1:] = [None if v is None else struct.unpack("<f", struct.pack("<f", v))[0] for v in shown[1:]]
            if tuple(shown) != expected or printed["shape"] != entry["shape"]:
                problems.append(("inspect disagrees", f"inspect --dataset {chosen} printed {printed}, the values give {expected}"))
    elif (entry is None or entry["finding"]["verdict"] in ("refused", "stricter")) and summary.status != 0 \
            and not one_line_error(summary, path):
        problems.append(("untyped", f"inspect --dataset {chosen}: status {summary.status}: {summary.stderr.strip()[:300]}"))
    return problems


def compare_h5py(report, h5py_result):
    """What SwiftLoaders read must be what h5py reads."""
    problems = []
    theirs = h5py_result.get("datasets", {})
    for entry in report["datasets"]:
        if entry["finding"]["verdict"] != "read":
            continue
        other = theirs.get(entry["path"])
        if other is None or "error" in other:
            why = (other or {}).get("error") or h5py_result.get("error") or "not found"
            problems.append(("h5py refuses", f"{entry['path']}: read, but h5py: {why}"))
        elif other["shape"] != entry["shape"] or other["dtype"] != entry["dtype"] or other["values"] != entry["values"] \
                and not floats_equal(other["values"], entry["values"], entry["dtype"]):
            problems.append(("h5py differs", f"{entry['path']}: {entry['dtype']} {entry['shape']}, h5py {other['dtype']} {other['shape']}"
                             + ("" if other["shape"] != entry["shape"] else ", different values")))
    return problems


def floats_equal(left, right, dtype):
    """Float values equal but for NaN payloads."""
    if not dtype.startswith("float") or len(left) != len(right):
        return False
    pairs = zip(struct.iter_unpack("<d", bytes.fromhex(left)), struct.iter_unpack("<d", bytes.fromhex(right)))
    return all(a == b or (math.isnan(a) and math.isnan(b)) for (a,), (b,) in pairs)


def save(out, variant, data, result, children):
    """Keeps a finding: the variant's bytes, how to make it, and what each child printed."""
    folder = os.path.join(out, result["class"].replace(" ", "-"))
    os.makedirs(folder, exist_ok=True)
    stem = os.path.join(folder, variant.name.replace("/", "_").replace("#", "_"))
    with open(stem + ".h5", "wb") as file:
        file.write(data)
    record = dict(result, outputs=[{"stdout": c.stdout[:2000], "stderr": c.stderr[-2000:], "status": c.status,
                                    "signal": c.signal, "timedOut": c.timed_out} for c in children])
    with open(stem + ".json", "w") as file:
        json.dump(record, file, indent=1)


def load_bases(probe):
    """Each base file's bytes and map, and the datasets the probe finds in it unmutated."""
    bases, baseline = {}, {}
    for name in sorted(PAIRS):
        data = open(os.path.join(FIXTURES, name), "rb").read()
        bases[name] = (data, hdf5_map.FileMap(data))
        with tempfile.TemporaryDirectory() as directory:
            child = Child([probe, os.path.join(FIXTURES, name)], 60, directory)
        baseline[name] = json.loads(child.stdout)["listing"]
    return bases, baseline


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--probe", required=True)
    parser.add_argument("--loaders", required=True)
    parser.add_argument("--count", type=int, default=3000, help="random variants (boundary truncations come on top)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default="fuzz-hdf5-out")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=30, help="seconds each child may take")
    parser.add_argument("--no-truncations", action="store_true", help="skip the truncations at every boundary")
    parser.add_argument("--write-specs", help="only write the variants' specs (JSON) to this file")
    parser.add_argument("--exclude", action="append", default=[], metavar="NAME",
                        help="with --write-specs: leave out this variant (repeatable)")
    parser.add_argument("--sanitized", action="store_true",
                        help="the probe is built with AddressSanitizer: no address-space limit, and its reports are crashes")
    arguments = parser.parse_args()
    global BASES, BASELINE, MEMORY_LIMIT
    if arguments.sanitized:
        MEMORY_LIMIT = None
    BASES, BASELINE = load_bases(os.path.abspath(arguments.probe))
    variants = [] if arguments.no_truncations else mutations.boundary_truncations(BASES)
    variants += [mutations.random_variant(BASES, arguments.seed, index) for index in range(arguments.count)]
    if arguments.write_specs:
        # The datasets and pairs to read in each base file, then one variant a line.
        bases = {name: {"datasets": BASELINE[name], "pairs": PAIRS[name]} for name in sorted(BASES)}
        lines = [json.dumps(v.spec(), separators=(",", ":")) for v in variants if v.name not in arguments.exclude]
        with open(arguments.write_specs, "w") as out:
            out.write('{"bases":' + json.dumps(bases, separators=(",", ":")) + ',\n"variants":[\n' + ",\n".join(lines) + "\n]}\n")
        return
    os.makedirs(arguments.out, exist_ok=True)
    options = {"probe": os.path.abspath(arguments.probe), "loaders": os.path.abspath(arguments.loaders),
               "timeout": arguments.timeout, "out": arguments.out, "work": tempfile.mkdtemp(prefix="fuzz-hdf5-")}
    started, results = time.monotonic(), []
    with multiprocessing.get_context("fork").Pool(arguments.jobs) as pool:
        for done, result in enumerate(pool.imap_unordered(check, [(v.spec(), options) for v in variants], chunksize=4), 1):
            results.append(result)
            if done % 200 == 0:
                print(f"  {done}/{len(variants)} variants, {time.monotonic() - started:.0f} s", file=sys.stderr)
    os.rmdir(options["work"])
    report(results, arguments, time.monotonic() - started)


def report(results, arguments, seconds):
    classes = collections.Counter(r["class"] for r in results)
    codes = collections.Counter(r["code"] for r in results if r["class"] == "typed error")
    kinds = collections.Counter(r["spec"]["kind"] for r in results)
    print(f"{len(results)} variants (seed {arguments.seed}: {arguments.count} random, "
          f"{kinds['boundary truncation']} boundary truncations) in {seconds:.0f} s")
    for name in CLASSES:
        if classes[name]:
            detail = ", ".join(f"{code} {n}" for code, n in codes.most_common()) if name == "typed error" else ""
            print(f"  {name:18} {classes[name]:6}  {detail}")
    summary = {"seed": arguments.seed, "count": arguments.count, "variants": len(results), "seconds": round(seconds),
               "classes": dict(classes), "codes": dict(codes), "kinds": dict(kinds),
               "findings": [r for r in results if r["class"] in FINDINGS],
               "others": {name: [r for r in results if r["class"] == name][:50]
                          for name in CLASSES if name not in FINDINGS + ["read", "typed error"]}}
    with open(os.path.join(arguments.out, "summary.json"), "w") as out:
        json.dump(summary, out, indent=1)
    bad = sum(classes[c] for c in FINDINGS)
    print(f"findings saved in {arguments.out}/" if bad else "no crash, hang, mismatch or untyped error")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
