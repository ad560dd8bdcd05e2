"""Writes pixel.json: torchvision.transforms.v2.functional's output of the pixel transforms
(erase, gaussian_blur, adjust_brightness, adjust_contrast, normalize) for fixed parameters, for
the Loaders module's PixelParityTests.

usage: ~/.cache/pytorch-ref/bin/python make_pixel.py   (torchvision 0.29; writes pixel.json beside
this script, byte for byte the same on every run)

Images: MNIST test images 0, 1 and 7 (Fixtures/mnist/t10k-images-idx3-ubyte.gz) as float32 in
[0, 1], shape [1, 28, 28]; and a synthetic [3, 7, 9] image, odd-sized and three-channel, whose
pixel (c, y, x) is frac(0.37 c + 0.113 y + 0.071 x + 0.05 x y).
Each case names the function and its arguments as torchvision takes them, and holds one output per
image, in the images' order.
"""
import gzip, json, os
import numpy as np
import torch
import torchvision
from torchvision.transforms.v2 import functional as F

here = os.path.dirname(os.path.abspath(__file__))

def flat(t):
    # Nine significant digits round-trip a float32 exactly.
    return [float("%.9g" % v) for v in t.reshape(-1).tolist()]

with gzip.open(os.path.join(here, "..", "mnist", "t10k-images-idx3-ubyte.gz")) as f:
    raw = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 28, 28)
images = [torch.from_numpy(raw[i].astype(np.float32) / 255).reshape(1, 28, 28) for i in (0, 1, 7)]
c, y, x = np.meshgrid(np.arange(3), np.arange(7), np.arange(9), indexing="ij")
synthetic = np.modf(0.37 * c + 0.113 * y + 0.071 * x + 0.05 * x * y)[0].astype(np.float32)
images.append(torch.from_numpy(synthetic))

cases = [
    ("erase", dict(i=5, j=8, h=10, w=12, v=0.0)),
    ("erase", dict(i=2, j=3, h=20, w=4, v=0.7)),        # runs past the synthetic image's bottom
    ("gaussian_blur", dict(kernel_size=[3, 3], sigma=[0.8, 0.8])),
    ("gaussian_blur", dict(kernel_size=[5, 3], sigma=[1.5, 1.0])),
    ("adjust_brightness", dict(brightness_factor=1.3)),
    ("adjust_brightness", dict(brightness_factor=0.6)),
    ("adjust_contrast", dict(contrast_factor=1.5)),
    ("adjust_contrast", dict(contrast_factor=0.4)),
    ("normalize", dict(mean=[0.1307], std=[0.3081])),
]

def run(name, arguments, image):
    if name == "erase":
        v = torch.tensor([arguments["v"]], dtype=torch.float32)[:, None, None]
        return F.erase(image, i=arguments["i"], j=arguments["j"], h=arguments["h"], w=arguments["w"], v=v)
    return getattr(F, name)(image, **arguments)

out = {
    "torchvision": torchvision.__version__.split("+")[0],
    "images": [{"shape": list(image.shape), "pixels": flat(image)} for image in images],
    "cases": [{"function": name, "arguments": arguments,
               "outputs": [flat(run(name, arguments, image)) for image in images]} for name, arguments in cases],
}
with open(os.path.join(here, "pixel.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
