"""Measures one epoch of `loaders train` on two MPI ranks of one compute thread each against one
process of two threads (the same global batch), alternating the two, and prints Markdown tables:
the medians, the gradient exchange per step, and the step time the measured compute and a ring
allreduce give for N machines (Docs/Scaling.md, Docs/Performance.md).

usage: scaling.py LOADERS_BINARY MNIST_DIR [--repeats 3] [--batch 64] [--alpha-us 25]
       scaling.py --model-only --compute-ms C --bytes B [--alpha-us 25]
"""
import argparse, json, os, statistics, subprocess, sys

LINKS_GBIT = [1, 10, 100]
MACHINES = [1, 2, 4, 8, 16, 32, 64, 128]


def epoch(command, environment):
    """Runs one epoch and returns its JSON line and the load average before it."""
    load = os.getloadavg()[0]
    result = subprocess.run(command, capture_output=True, text=True, env=environment)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith('{"batch_size"')]
    return lines[0], load


def ring_seconds(machines, parameter_bytes, gbit, alpha):
    """A ring allreduce of `parameter_bytes` over `machines`: 2(N-1)/N of the bytes through each
    link, and 2(N-1) message latencies."""
    if machines == 1:
        return 0.0
    return 2 * (machines - 1) / machines * parameter_bytes * 8 / (gbit * 1e9) + 2 * (machines - 1) * alpha


def model_tables(compute, parameter_bytes, alpha, samples=60000, batch=64):
    """The step time for N machines, each a copy of the measured one: with the global batch fixed
    (each machine computes 1/N of it) and with each machine's batch fixed (the global batch grows)."""
    out = []
    out.append(f"Compute per step of {batch} samples: {compute * 1e3:.1f} ms; allreduce of {parameter_bytes:,} bytes; "
               f"latency α = {alpha * 1e6:.0f} µs a message.\n")
    for title, fixed_global in (("global batch fixed at 64: step = compute / N + ring(N)", True),
                                ("batch 64 per machine: step = compute + ring(N), epoch = 60,000 / (64 N) steps", False)):
        out.append(f"\n{title}\n")
        out.append("| N | " + " | ".join(f"{g} Gbit/s: step, epoch, speed-up" for g in LINKS_GBIT) + " |")
        out.append("|---|" + "---|" * len(LINKS_GBIT))
        for n in MACHINES:
            cells = []
            for g in LINKS_GBIT:
                ring = ring_seconds(n, parameter_bytes, g, alpha)
                step = (compute / n if fixed_global else compute) + ring
                steps = -(-samples // batch) if fixed_global else -(-samples // (batch * n))
                one = compute * -(-samples // batch)
                cells.append(f"{step * 1e3:.2f} ms, {step * steps:.2f} s, {one / (step * steps):.1f}×")
            out.append(f"| {n} | " + " | ".join(cells) + " |")
        for g in LINKS_GBIT:
            ring = {n: ring_seconds(n, parameter_bytes, g, alpha) for n in range(1, 4097)}
            if fixed_global:
                # The step time falls while compute / N shrinks faster than the ring grows.
                best = min(ring, key=lambda n: compute / n + ring[n])
                half = next(n for n in ring if compute / (compute / n + ring[n]) < 0.5 * n)
                out.append(f"\n{g} Gbit/s: the step is shortest at N = {best} ({(compute / best + ring[best]) * 1e3:.2f} ms); "
                           f"the speed-up is below N / 2 from N = {half}.")
            else:
                # Each machine's step grows by the ring; scaling is half lost once the ring costs the compute.
                half = next((n for n in ring if ring[n] > compute), None)
                out.append(f"\n{g} Gbit/s: the allreduce outgrows the compute (efficiency below 1/2) "
                           + (f"from N = {half}." if half else "at no N up to 4096."))
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("loaders", nargs="?")
    parser.add_argument("mnist", nargs="?")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--alpha-us", type=float, default=25)
    parser.add_argument("--model-only", action="store_true")
    parser.add_argument("--compute-ms", type=float)
    parser.add_argument("--bytes", type=int)
    args = parser.parse_args()
    alpha = args.alpha_us * 1e-6
    if args.model_only:
        print(model_tables(args.compute_ms / 1e3, args.bytes, alpha))
        return

    environment = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    common = ["train", "--train", args.mnist, "--epochs", "1", "--json", "--workers", "1", "--seed", "1"]
    runs = {
        "np = 1 × 2 threads, batch 64": [args.loaders] + common + ["--threads", "2", "--batch-size", str(args.batch)],
        "np = 2 × 1 thread, batch 32 each": ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2", args.loaders]
        + common + ["--distributed", "--threads", "1", "--batch-size", str(args.batch // 2)],
    }
    results = {name: [] for name in runs}
    for repeat in range(args.repeats):
        for name, command in runs.items():
            line, load = epoch(command, environment)
            results[name].append((line, load))
            print(f"repeat {repeat + 1}, {name}: {line['train_seconds']:.2f} s, load {load:.2f}", file=sys.stderr)

    print("| run | epoch (median) | samples/s | allreduce per epoch | allreduce per step | bytes per step | load average |")
    print("|---|---|---|---|---|---|---|")
    for name, measured in results.items():
        seconds = statistics.median(line["train_seconds"] for line, _ in measured)
        rate = statistics.median(line["samples_per_second"] for line, _ in measured)
        loads = ", ".join(f"{load:.1f}" for _, load in measured)
        if "allreduce_seconds" in measured[0][0]:
            exchange = statistics.median(line["allreduce_seconds"] for line, _ in measured)
            steps = measured[0][0]["allreduce_steps"]
            cells = f"{exchange:.2f} s | {exchange / steps * 1e3:.2f} ms | {measured[0][0]['allreduce_bytes']:,}"
        else:
            cells = "– | – | –"
        print(f"| {name} | {seconds:.2f} s | {rate:,.0f} | {cells} | {loads} |")

    single = results["np = 1 × 2 threads, batch 64"]
    steps = -(-single[0][0]["samples_per_second"] * single[0][0]["train_seconds"] // args.batch)
    compute = statistics.median(line["train_seconds"] for line, _ in single) / steps
    parameter_bytes = results["np = 2 × 1 thread, batch 32 each"][0][0]["allreduce_bytes"]
    print()
    print(model_tables(compute, parameter_bytes, alpha, batch=args.batch))


if __name__ == "__main__":
    main()
