"""Runs SwiftLoaders' benchmarks beside the PyTorch reference scripts, in one run, alternating the
two systems so that both see the same machine, and prints a Markdown table of medians and ratios.

usage: run.py LOADERS_BINARY MNIST_DIR FORMATS_DIR PYTHON --reference SHARED_BENCH_DIR
              [--repeats N] [--cases a,b] [--out FILE]
"""
import argparse, json, os, statistics, subprocess, sys

# case: (our `loaders bench` arguments, the PyTorch reference case, what is compared)
LOADER_CASES = {
    "idx": (["--train", "{mnist}"], "tensor", "gzipped IDX vs gzip+numpy TensorDataset (PyTorch's fastest)"),
    "idx-torchvision": (["--train", "{mnist}"], "torchvision", "gzipped IDX vs torchvision.datasets.MNIST"),
    "csv": (["--train", "{formats}/mnist_train.csv", "--label-column", "label", "--shape", "1,28,28"],
            "csv", "CSV vs pandas.read_csv + TensorDataset"),
    "h5": (["--train", "{formats}/mnist_train_contiguous.h5", "--features", "/images", "--labels", "/labels"],
           "h5all", "HDF5 contiguous vs h5py read-all + TensorDataset"),
    "h5gzip": (["--train", "{formats}/mnist_train_chunked_gzip.h5", "--features", "/images", "--labels", "/labels"],
               "h5allgzip", "HDF5 chunked+gzip vs h5py read-all + TensorDataset"),
}


def run_json(command):
    """Runs a command and returns the JSON objects it printed, one per line."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def loader_case(args, name, workers):
    ours_args, torch_case, what = LOADER_CASES[name]
    ours_args = [a.format(mnist=args.mnist, formats=args.formats) for a in ours_args]
    ours, theirs, memory, their_workers = [], [], [], []
    for _ in range(args.repeats):
        result = run_json([args.loaders, "bench", *ours_args, "--workers", str(workers), "--epochs", "1", "--json"])[0]
        ours.append(result["open_seconds"] + result["epoch_seconds"])
        memory.append(result["peak_rss_mb"])
        # PyTorch at its best: with 0 workers it skips starting processes, which often wins here.
        references = run_json([args.python, f"{args.reference}/pytorch_loader.py", args.mnist, args.formats,
                               "--cases", torch_case, "--workers", f"0,{workers}"])
        reference = min(references, key=lambda r: r["setup_s"] + r["epoch_s"])
        theirs.append(reference["setup_s"] + reference["epoch_s"])
        their_workers.append(reference["workers"])
    return {"case": name, "what": what, "workers": workers, "ours_s": statistics.median(ours),
            "pytorch_s": statistics.median(theirs), "pytorch_workers": sorted(set(their_workers)),
            "peak_rss_mb": statistics.median(memory),
            "torch": reference["system"]}


# case: (our `loaders train` arguments, the PyTorch script and its arguments, what is compared)
TRAINING_CASES = {
    "train": (["--model", "cnn", "--optimizer", "adam"], ["pytorch_train.py", "--optimizer", "adam"],
              "train-cnn-adam", "one epoch of the seed CNN, Adam, batch 64 (train seconds)"),
    "train-examples": (["--model", "conv(32,3) relu conv(64,3) relu maxpool(2) dropout(0.25) flatten linear(128) relu "
                        "dropout(0.5) linear(10)", "--optimizer", "adam"],
                       ["{here}/pytorch_networks.py", "--network", "examples"],
                       "train-examples-adam", "one epoch of PyTorch examples/mnist's Net, Adam, batch 64 (train seconds)"),
    "train-lenet": (["--model", "conv(6,5,pad=2) relu maxpool(2) conv(16,5) relu maxpool(2) flatten linear(120) relu "
                     "linear(84) relu linear(10)", "--optimizer", "sgd", "--learning-rate", "0.01", "--momentum", "0.9"],
                    ["{here}/pytorch_networks.py", "--network", "lenet"],
                    "train-lenet-sgd", "one epoch of LeNet-5, SGD 0.01 momentum 0.9, batch 64 (train seconds)"),
}


def load_average():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def training_case(args, name):
    ours_args, (script, *their_args), case, what = TRAINING_CASES[name]
    here = os.path.dirname(os.path.abspath(__file__))
    script = script.format(here=here) if "{here}" in script else f"{args.reference}/{script}"
    ours, theirs, accuracy, reference_accuracy, loads = [], [], [], [], []
    for _ in range(args.repeats):
        loads.append(load_average())
        epoch = run_json([args.loaders, "train", "--train", args.mnist, *ours_args,
                          "--epochs", "1", "--batch-size", "64", "--json"])[-1]
        ours.append(epoch["train_seconds"])
        accuracy.append(epoch["test_accuracy"])
        loads.append(load_average())
        reference = run_json([args.python, script, args.mnist, *their_args])[0]
        theirs.append(reference["epochs"][0]["train_s"])
        reference_accuracy.append(reference["epochs"][0]["test_acc"])
    loads.append(load_average())
    return {"case": case, "what": what, "workers": 2, "ours_s": statistics.median(ours),
            "pytorch_s": statistics.median(theirs), "ours_runs": ours, "pytorch_runs": theirs,
            "ours_accuracy": statistics.median(accuracy), "pytorch_accuracy": statistics.median(reference_accuracy),
            "load_average": [min(loads), statistics.median(loads), max(loads)], "torch": reference["system"]}


AUGMENT_SPEC = "affine(degrees=10,translate=0.1,scale=0.9:1.1),erasing(p=0.25)"


def augment_case(args):
    """One epoch of MNIST through RandomAffine(degrees=10, translate=(0.1, 0.1), scale=(0.9, 1.1))
    and RandomErasing(p=0.25), normalised, batches of 64: ours with 2 workers against
    torchvision.transforms.v2 in PyTorch's DataLoader at its faster of 0 and 2 workers."""
    ours, theirs, their_workers = [], [], []
    for _ in range(args.repeats):
        result = run_json([args.loaders, "bench", "--train", args.mnist, "--workers", "2", "--augment", AUGMENT_SPEC, "--json"])[0]
        ours.append(result["open_seconds"] + result["epoch_seconds"])
        references = run_json([args.python, f"{args.reference}/pytorch_augment.py", args.mnist, "--workers", "0,2"])
        reference = min(references, key=lambda r: r["setup_s"] + r["epoch_s"])
        theirs.append(reference["setup_s"] + reference["epoch_s"])
        their_workers.append(reference["workers"])
    return {"case": "augment", "what": "one epoch through affine + erasing vs torchvision.transforms.v2", "workers": 2,
            "ours_s": statistics.median(ours), "pytorch_s": statistics.median(theirs),
            "pytorch_workers": sorted(set(their_workers)), "peak_rss_mb": result["peak_rss_mb"], "torch": "torchvision"}


def resume_case(args):
    """Resuming a shuffled MNIST epoch at batch 900 of 938: ours (`loaders bench --resume-at`, 2
    workers) against torchdata's StatefulDataLoader at its faster of 0 and 2 workers, each from
    reading the saved state to the first batch."""
    here = os.path.dirname(os.path.abspath(__file__))
    ours, theirs, sizes, their_workers = [], [], [], []
    for _ in range(args.repeats):
        result = run_json([args.loaders, "bench", "--train", args.mnist, "--workers", "2", "--resume-at", "900", "--json"])[0]
        ours.append(result["resumes"][0]["seconds"])
        references = run_json([args.python, f"{here}/pytorch_resume.py", args.mnist, "--positions", "900", "--workers", "0,2"])
        reference = min(references, key=lambda r: r["resumes"][0]["seconds"])
        theirs.append(reference["resumes"][0]["seconds"])
        their_workers.append(reference["workers"])
        sizes.append((result["resumes"][0]["state_bytes"], reference["resumes"][0]["state_bytes"]))
    return {"case": "resume", "what": "resume a shuffled epoch at batch 900 of 938 vs torchdata StatefulDataLoader",
            "workers": 2, "ours_s": statistics.median(ours), "pytorch_s": statistics.median(theirs),
            "pytorch_workers": sorted(set(their_workers)), "state_bytes": sizes[-1], "torch": reference["system"]}


def seconds(value):
    """Three decimals, or three significant digits below a hundredth (a resume takes a millisecond)."""
    return f"{value:.3f}" if value >= 0.01 else f"{value:.3g}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("loaders"); parser.add_argument("mnist"); parser.add_argument("formats"); parser.add_argument("python")
    parser.add_argument("--reference", required=True, help="the folder of pytorch_loader.py and pytorch_train.py")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cases", default="idx,idx-torchvision,csv,h5,h5gzip,resume,augment,train,train-examples,train-lenet")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    rows = []
    for name in args.cases.split(","):
        row = (training_case(args, name) if name in TRAINING_CASES else resume_case(args) if name == "resume"
               else augment_case(args) if name == "augment" else loader_case(args, name, workers=2))
        rows.append(row)
        print(json.dumps(row), flush=True)
    lines = ["| case | compared | SwiftLoaders (s) | PyTorch (s) | ratio | notes |", "|---|---|---|---|---|---|"]
    for row in rows:
        notes = (f"accuracy {row['ours_accuracy']:.4f} vs {row['pytorch_accuracy']:.4f}; load average "
                 f"{row['load_average'][0]:.1f}-{row['load_average'][2]:.1f}" if "ours_accuracy" in row
                 else f"state {row['state_bytes'][0]} vs {row['state_bytes'][1]} bytes; torchdata with "
                      f"{'/'.join(map(str, row['pytorch_workers']))} workers" if "state_bytes" in row
                 else f"peak RSS {row['peak_rss_mb']:.0f} MB; PyTorch's faster of 0 and 2 workers "
                      f"(chose {'/'.join(map(str, row['pytorch_workers']))})")
        lines.append(f"| {row['case']} | {row['what']} | {seconds(row['ours_s'])} | {seconds(row['pytorch_s'])} | "
                     f"{row['ours_s'] / row['pytorch_s']:.2f} | {notes} |")
    table = "\n".join(lines)
    print(f"\nmedians of {args.repeats} alternating runs; ours with 2 workers; {rows[0]['torch']}\n\n{table}")
    if args.out:
        open(args.out, "w").write(table + "\n")


if __name__ == "__main__":
    main()
