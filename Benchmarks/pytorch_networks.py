"""Two classic MNIST networks trained with PyTorch for one timed epoch, in the style of
../shared/bench/pytorch_train.py (same data loading, normalisation, shuffling DataLoader and
timing): PyTorch examples/mnist's Net with Adam 0.001, and LeNet-5 with SGD 0.01 momentum 0.9.
Prints one JSON line per run.
usage: pytorch_networks.py MNIST_DIR --network examples|lenet [--epochs N] [--batch 64] [--threads 2]
"""
import argparse, gzip, json, struct, time
import numpy as np, torch, torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, nd = struct.unpack(">HBB", data[:4])
    dims = struct.unpack(">" + "I" * nd, data[4:4 + 4 * nd])
    assert dtype == 0x08
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def examples_net():
    """`loaders train --model "conv(32,3) relu conv(64,3) relu maxpool(2) dropout(0.25) flatten
    linear(128) relu dropout(0.5) linear(10)"`."""
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Dropout(0.25), nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
                         nn.Linear(128, 10))


def lenet():
    """`loaders train --model "conv(6,5,pad=2) relu maxpool(2) conv(16,5) relu maxpool(2) flatten
    linear(120) relu linear(84) relu linear(10)"`."""
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mnist"); ap.add_argument("--network", choices=["examples", "lenet"], required=True)
    ap.add_argument("--epochs", type=int, default=1); ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2); ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(a.seed)
    t0 = time.perf_counter()
    xs = read_idx(f"{a.mnist}/train-images-idx3-ubyte.gz"); ys = read_idx(f"{a.mnist}/train-labels-idx1-ubyte.gz")
    xt = read_idx(f"{a.mnist}/t10k-images-idx3-ubyte.gz"); yt = read_idx(f"{a.mnist}/t10k-labels-idx1-ubyte.gz")
    norm = lambda x: ((torch.from_numpy(x.astype(np.float32)) / 255.0 - 0.1307) / 0.3081).unsqueeze(1)
    X, Y, XT, YT = norm(xs), torch.from_numpy(ys.astype(np.int64)), norm(xt), torch.from_numpy(yt.astype(np.int64))
    load_s = time.perf_counter() - t0
    loader = DataLoader(TensorDataset(X, Y), batch_size=a.batch, shuffle=True, num_workers=a.workers)
    if a.network == "examples":
        model = examples_net()
        opt = torch.optim.Adam(model.parameters(), lr=0.001)
    else:
        model = lenet()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    crit = nn.CrossEntropyLoss()
    epochs = []
    for ep in range(a.epochs):
        t1 = time.perf_counter(); model.train(); running = 0.0
        for bx, by in loader:
            opt.zero_grad(); loss = crit(model(bx), by); loss.backward(); opt.step()
            running += loss.item() * bx.size(0)
        train_s = time.perf_counter() - t1
        model.eval()
        with torch.no_grad():
            acc = (model(XT).argmax(1) == YT).float().mean().item()
        epochs.append({"epoch": ep + 1, "loss": running / len(X), "train_s": round(train_s, 3),
                       "samples_per_s": round(len(X) / train_s), "test_acc": round(acc, 4)})
    print(json.dumps({"system": f"pytorch {torch.__version__}", "network": a.network, "batch": a.batch,
                      "threads": a.threads, "load_s": round(load_s, 3), "epochs": epochs}))


if __name__ == "__main__":
    main()
