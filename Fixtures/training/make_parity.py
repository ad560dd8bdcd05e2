"""Writes parity.json: fixed weights, inputs, PyTorch forward outputs, gradients, and three
optimizer steps, for the Training module's parity tests.

usage: python make_parity.py   (PyTorch 2.x; writes parity.json beside this script)

Model "cnn":  Conv2d(1, 3, 3) -> ReLU -> Flatten -> Linear(48, 4) on a batch of 4 1x6x6 images,
              cross-entropy loss; every optimizer runs three steps on the same batch.
Model "conv": Conv2d(2, 3, 3, stride=2, padding=1) on a [2, 2, 7, 7] input with the loss
              sum(output * probe), for the padded, strided convolution and its input gradient.
"""
import json, os
import torch, torch.nn as nn

torch.manual_seed(0)
torch.set_default_dtype(torch.float32)

def flat(t):
    # Nine significant digits round-trip a float32 exactly.
    return [float("%.9g" % v) for v in t.detach().reshape(-1).tolist()]

def cnn():
    return nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU(), nn.Flatten(), nn.Linear(48, 4))

out = {}
model = cnn()
initial = {k: v.clone() for k, v in model.state_dict().items()}
x = torch.randn(4, 1, 6, 6)
y = torch.tensor([0, 3, 1, 2])
xg = x.clone().requires_grad_(True)
logits = model(xg)
loss = nn.CrossEntropyLoss()(logits, y)
loss.backward()
out["cnn"] = {
    "input": flat(x), "labels": y.tolist(),
    "parameters": {k: flat(v) for k, v in initial.items()},
    "logits": flat(logits), "loss": float(loss.detach()),
    "gradients": {k: flat(p.grad) for k, p in model.named_parameters()},
    "input_gradient": flat(xg.grad),
}

optimizers = {
    "sgd_momentum": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    "sgd_nesterov_decay": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    "sgd_dampening_decay": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.8, dampening=0.3, weight_decay=0.05),
    "adam": lambda p: torch.optim.Adam(p, lr=0.01),
    "adam_decay": lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
    "adamw": lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1),
}
out["steps"] = {}
for name, make in optimizers.items():
    model = cnn()
    model.load_state_dict(initial)
    opt = make(model.parameters())
    steps = []
    for _ in range(3):
        opt.zero_grad()
        nn.CrossEntropyLoss()(model(x), y).backward()
        opt.step()
        steps.append({k: flat(v) for k, v in model.state_dict().items()})
    out["steps"][name] = steps

conv = nn.Conv2d(2, 3, 3, stride=2, padding=1)
xc = torch.randn(2, 2, 7, 7, requires_grad=True)
yc = conv(xc)
probe = torch.randn_like(yc)
(yc * probe).sum().backward()
out["conv"] = {
    "input": flat(xc), "weight": flat(conv.weight), "bias": flat(conv.bias), "probe": flat(probe),
    "output": flat(yc), "weight_gradient": flat(conv.weight.grad), "bias_gradient": flat(conv.bias.grad),
    "input_gradient": flat(xc.grad),
}
out["generator"] = f"torch {torch.__version__}"

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "parity.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"))
