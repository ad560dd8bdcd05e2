"""Writes geometric.json and geometric.f32: torchvision.transforms.v2.functional's geometric
transforms on fixed float images with fixed parameters, for the Loaders geometric parity tests.

usage: ~/.cache/pytorch-ref/bin/python make_geometric.py   (torchvision 0.2x; writes beside this script)

Images: MNIST test images 0 and 7 as float32 [1, 28, 28] in [0, 1], and a synthetic 3 x 13 x 17
image (a smooth pattern per channel) for several channels and an odd, non-square size.
geometric.f32 holds little-endian float32 arrays back to back; geometric.json gives each one's
offset (in floats) and shape: the images, and per case its parameters and torchvision's output for
each image. Rerunning reproduces both files byte for byte.
"""
import gzip, json, math, os
import numpy as np
import torch
import torchvision
import torchvision.transforms.v2.functional as F
from torchvision.transforms.v2 import ElasticTransform, InterpolationMode

here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)

with gzip.open(os.path.join(here, "..", "mnist", "t10k-images-idx3-ubyte.gz")) as f:
    mnist = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 28, 28)

ys, xs = torch.meshgrid(torch.arange(13, dtype=torch.float32), torch.arange(17, dtype=torch.float32), indexing="ij")
synthetic = torch.stack([
    0.5 + 0.5 * torch.sin(xs / 3) * torch.cos(ys / 2),
    (xs + 2 * ys) / 41,
    ((xs - 8) ** 2 + (ys - 6) ** 2 < 20).float(),
])
images = {
    "mnist0": torch.from_numpy(mnist[0].astype(np.float32) / 255).reshape(1, 28, 28),
    "mnist7": torch.from_numpy(mnist[7].astype(np.float32) / 255).reshape(1, 28, 28),
    "synthetic": synthetic,
}

blob = []
def put(tensor):
    array = tensor.detach().to(torch.float32).contiguous().numpy().astype("<f4")
    offset = sum(a.size for a in blob)
    blob.append(array.reshape(-1))
    return {"offset": offset, "shape": list(array.shape)}

NEAREST, BILINEAR = InterpolationMode.NEAREST, InterpolationMode.BILINEAR
affine = dict(angle=12.5, translate=[2, -3], scale=1.1, shear=[8.0, -4.0])

# name -> (parameters for the Swift test, function of an image)
cases = {}
for interpolation in (NEAREST, BILINEAR):
    for fill in (None, 0.0, 0.5):
        name = f"affine_{interpolation.value}_fill_{fill}"
        cases[name] = (dict(op="affine", **affine, interpolation=interpolation.value, fill=fill),
                       lambda x, i=interpolation, f=fill: F.affine(x, **affine, interpolation=i, fill=f))
cases["affine_bilinear_center"] = (
    dict(op="affine", angle=-20.0, translate=[-1.5, 0.5], scale=0.9, shear=[0.0, 6.0], interpolation="bilinear", fill=0.25, center=[5.0, 9.0]),
    lambda x: F.affine(x, angle=-20.0, translate=[-1.5, 0.5], scale=0.9, shear=[0.0, 6.0], interpolation=BILINEAR, fill=0.25, center=[5.0, 9.0]))
for interpolation in (NEAREST, BILINEAR):
    cases[f"rotate_{interpolation.value}"] = (
        dict(op="rotate", angle=30.0, interpolation=interpolation.value, fill=0.0),
        lambda x, i=interpolation: F.rotate(x, 30.0, interpolation=i, fill=0.0))
cases["rotate_bilinear_expand"] = (
    dict(op="rotate", angle=-50.0, interpolation="bilinear", fill=0.5, expand=True),
    lambda x: F.rotate(x, -50.0, interpolation=BILINEAR, expand=True, fill=0.5))
cases["pad_crop"] = (
    dict(op="pad_crop", padding=[4], fill=0.0, top=3, left=6, height=28, width=28),
    lambda x: F.crop(F.pad(x, [4], fill=0.0), 3, 6, 28, 28))
cases["crop_outside"] = (
    dict(op="crop", top=-2, left=5, height=20, width=15),
    lambda x: F.crop(x, -2, 5, 20, 15))
cases["resize_20_bilinear"] = (dict(op="resize", size=[20, 20], interpolation="bilinear"),
                               lambda x: F.resize(x, [20, 20], interpolation=BILINEAR))
cases["resize_40_bilinear"] = (dict(op="resize", size=[40, 40], interpolation="bilinear"),
                               lambda x: F.resize(x, [40, 40], interpolation=BILINEAR))
cases["resize_20x33_nearest"] = (dict(op="resize", size=[20, 33], interpolation="nearest"),
                                 lambda x: F.resize(x, [20, 33], interpolation=NEAREST))
cases["resize_11x9_bilinear_no_antialias"] = (dict(op="resize", size=[11, 9], interpolation="bilinear", antialias=False),
                                              lambda x: F.resize(x, [11, 9], interpolation=BILINEAR, antialias=False))
cases["resized_crop"] = (dict(op="resized_crop", top=4, left=3, height=9, width=12, size=[28, 28], interpolation="bilinear"),
                         lambda x: F.resized_crop(x, 4, 3, 9, 12, [28, 28], interpolation=BILINEAR))
cases["center_crop_larger"] = (dict(op="center_crop", size=[30, 15]),
                               lambda x: F.center_crop(x, [30, 15]))
# The padding modes; reflect and symmetric at their largest padding for the 13-pixel height.
for mode, padding in (("edge", [9, 1, 2, 15]), ("reflect", [3, 12, 5, 2]), ("symmetric", [13, 4, 2, 13])):
    cases[f"pad_{mode}"] = (dict(op="pad", padding=padding, mode=mode),
                            lambda x, m=mode, p=padding: F.pad(x, p, padding_mode=m))

out = {"torch": torch.__version__.split("+")[0], "torchvision": torchvision.__version__.split("+")[0],
       "images": {}, "cases": {}}
for name, image in images.items():
    out["images"][name] = put(image)
# One fixed displacement field per image size, in grid_sample's normalised units.
displacements = {}
for image in images.values():
    size = tuple(image.shape[-2:])
    if size not in displacements:
        displacements[size] = (torch.rand(1, *size, 2) * 2 - 1) * 0.15
for interpolation in (BILINEAR, NEAREST):
    cases[f"elastic_{interpolation.value}"] = (
        dict(op="elastic", interpolation=interpolation.value, fill=0.0),
        lambda x, i=interpolation: F.elastic(x, displacements[tuple(x.shape[-2:])], interpolation=i, fill=0.0))

for case, (parameters, function) in cases.items():
    entry = dict(parameters)
    entry["outputs"] = {}
    if parameters["op"] == "elastic":
        entry["displacements"] = {}
    for key, image in images.items():
        if parameters["op"] == "elastic":
            entry["displacements"][key] = put(displacements[tuple(image.shape[-2:])][0])
        entry["outputs"][key] = put(function(image.clone()))
    out["cases"][case] = entry

# ElasticTransform's displacement from given uniform noise in [-1, 1), as its make_params blurs and
# scales it (the noise is the part drawn from torch's generator).
out["elastic_displacements"] = {}
for alpha, sigma in (((50.0, 50.0), (5.0, 5.0)), ((30.0, 40.0), (3.0, 2.0))):
    transform = ElasticTransform(alpha=list(alpha), sigma=list(sigma))
    dx = torch.rand(1, 1, 28, 28) * 2 - 1
    dy = torch.rand(1, 1, 28, 28) * 2 - 1
    expected = []
    for d, s, a, size in ((dx, transform.sigma[0], transform.alpha[0], 28), (dy, transform.sigma[1], transform.alpha[1], 28)):
        k = int(8 * s + 1)
        k += 1 - k % 2
        expected.append(F.gaussian_blur(d, [k, k], list(transform.sigma)) * a / size)
    displacement = torch.concat(expected, 1).permute([0, 2, 3, 1])
    out["elastic_displacements"][f"alpha_{alpha[0]:g}_{alpha[1]:g}_sigma_{sigma[0]:g}_{sigma[1]:g}"] = {
        "alpha": list(alpha), "sigma": list(sigma),
        "noise_x": put(dx[0, 0]), "noise_y": put(dy[0, 0]), "displacement": put(displacement[0]),
    }

with open(os.path.join(here, "geometric.f32"), "wb") as f:
    f.write(np.concatenate(blob).tobytes())
with open(os.path.join(here, "geometric.json"), "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write("\n")
