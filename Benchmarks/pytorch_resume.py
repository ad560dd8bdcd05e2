"""torchdata's StatefulDataLoader resuming MNIST mid-epoch, the reference for `loaders bench
--resume-at`: one shuffled epoch of batches of 64 over the gzipped IDX training images (a
TensorDataset, PyTorch's fastest path), its state_dict() saved after each given batch, then,
five times, a fresh StatefulDataLoader given that state and timed from load_state_dict() to its
first batch. Prints one JSON line per worker count with the median per position.
usage: pytorch_resume.py MNIST_DIR [--positions 0,450,900] [--workers 0,2]
"""
import argparse, gzip, json, pickle, statistics, struct, time
import numpy as np, torch
from torch.utils.data import TensorDataset
from torchdata.stateful_dataloader import StatefulDataLoader


def read_idx(path):
    data = gzip.open(path, "rb").read()
    _, _, nd = struct.unpack(">HBB", data[:4])
    dims = struct.unpack(">" + "I" * nd, data[4:4 + 4 * nd])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def main():
    ap = argparse.ArgumentParser(); ap.add_argument("mnist")
    ap.add_argument("--positions", default="0,450,900"); ap.add_argument("--workers", default="0,2")
    a = ap.parse_args(); torch.set_num_threads(2)
    x = torch.from_numpy(read_idx(f"{a.mnist}/train-images-idx3-ubyte.gz").astype(np.float32)).div_(255).sub_(0.1307).div_(0.3081).unsqueeze(1)
    ds = TensorDataset(x, torch.from_numpy(read_idx(f"{a.mnist}/train-labels-idx1-ubyte.gz").astype(np.int64)))

    def loader(workers):
        return StatefulDataLoader(ds, batch_size=64, shuffle=True, num_workers=workers,
                                  generator=torch.Generator().manual_seed(0))

    for workers in map(int, a.workers.split(",")):
        resumes = []
        for position in map(int, a.positions.split(",")):
            saving = loader(workers)
            batches = iter(saving)
            for _ in range(position): next(batches)
            saved = pickle.dumps(saving.state_dict())
            times = []
            for _ in range(5):
                start = time.perf_counter()
                resumed = loader(workers)
                resumed.load_state_dict(pickle.loads(saved))
                next(iter(resumed))
                times.append(time.perf_counter() - start)
            resumes.append({"batch": position, "state_bytes": len(saved), "seconds": statistics.median(times)})
        print(json.dumps({"system": f"torch {torch.__version__}", "workers": workers, "resumes": resumes}), flush=True)


if __name__ == "__main__":
    main()
