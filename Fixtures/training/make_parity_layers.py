"""Writes parity_layers.json: PyTorch's outputs and gradients for the normalisation, pooling and
activation layers, three steps of RMSprop and Adadelta, and the learning rates of three
schedulers, for the Training module's LayerParityTests.

usage: python make_parity_layers.py   (PyTorch 2.x; writes parity_layers.json beside this script)

Layers: each runs forward in training mode on a fixed input, then backward of sum(output * probe);
the batch normalisation layers then run a second training batch and an evaluation-mode pass, so
the running statistics and their use are checked too.
Optimizers: Conv2d(1, 3, 3) -> ReLU -> Flatten -> Linear(48, 4) on four 1x6x6 images,
cross-entropy loss, three steps on the same batch.
Schedules: the learning rate and momentum before each of the first steps (SGD, lr 0.1, momentum
0.9; or Adam, lr 0.1, whose first beta is the momentum), up to step total_steps for one-cycle.
"""
import json, os
import torch, torch.nn as nn

torch.manual_seed(1)
torch.set_default_dtype(torch.float32)

def flat(t):
    # Nine significant digits round-trip a float32 exactly.
    return [float("%.9g" % v) for v in t.detach().reshape(-1).tolist()]

def run(layer, x):
    """Training-mode forward and the gradients of sum(output * probe)."""
    x = x.clone().requires_grad_(True)
    y = layer(x)
    probe = torch.randn_like(y)
    (y * probe).sum().backward()
    result = {"shape": list(x.shape), "input": flat(x), "output_shape": list(y.shape), "output": flat(y),
              "probe": flat(probe), "input_gradient": flat(x.grad)}
    for name, p in layer.named_parameters():
        result[name] = flat(p)
        result[name + "_gradient"] = flat(p.grad)
    return result

out = {"layers": {}}

def batch_norm(name, layer, shape):
    with torch.no_grad():
        layer.weight.copy_(torch.rand(layer.num_features) + 0.5)
        layer.bias.copy_(torch.randn(layer.num_features))
    # Means and scales that differ by channel, so normalisation has something to undo.
    x = torch.randn(*shape) * 2 + 3
    result = run(layer, x)
    result["running_mean_1"] = flat(layer.running_mean)
    result["running_var_1"] = flat(layer.running_var)
    second = torch.randn(*shape) - 1
    layer(second)
    result["second_input"] = flat(second)
    result["running_mean_2"] = flat(layer.running_mean)
    result["running_var_2"] = flat(layer.running_var)
    layer.eval()
    result["evaluation_output"] = flat(layer(x))
    out["layers"][name] = result

batch_norm("batchnorm2d", nn.BatchNorm2d(3), (4, 3, 5, 4))
batch_norm("batchnorm1d", nn.BatchNorm1d(5), (6, 5))
batch_norm("batchnorm1d_length", nn.BatchNorm1d(2), (3, 2, 4))

out["layers"]["avgpool_2"] = run(nn.AvgPool2d(2), torch.randn(2, 3, 7, 6))
out["layers"]["avgpool_3_2_1"] = run(nn.AvgPool2d(3, stride=2, padding=1), torch.randn(2, 2, 7, 6))
out["layers"]["adaptive_3x4"] = run(nn.AdaptiveAvgPool2d((3, 4)), torch.randn(2, 2, 7, 5))
out["layers"]["adaptive_5x7"] = run(nn.AdaptiveAvgPool2d((5, 7)), torch.randn(1, 2, 4, 6))
out["layers"]["adaptive_1"] = run(nn.AdaptiveAvgPool2d(1), torch.randn(2, 3, 5, 5))
out["layers"]["leakyrelu"] = run(nn.LeakyReLU(), torch.randn(3, 7) * 2)
out["layers"]["leakyrelu_0.2"] = run(nn.LeakyReLU(0.2), torch.randn(2, 3, 4))
out["layers"]["sigmoid"] = run(nn.Sigmoid(), torch.randn(3, 7) * 4)
out["layers"]["tanh"] = run(nn.Tanh(), torch.randn(3, 7) * 2)

def cnn():
    return nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU(), nn.Flatten(), nn.Linear(48, 4))

model = cnn()
initial = {k: v.clone() for k, v in model.state_dict().items()}
x = torch.randn(4, 1, 6, 6)
y = torch.tensor([2, 0, 3, 1])
out["cnn"] = {"input": flat(x), "labels": y.tolist(), "parameters": {k: flat(v) for k, v in initial.items()}}

# RMSprop's first steps are ±lr·10 whatever the gradient's size, and weight decay can cancel the
# gradient nearly to zero: with weight decay 0.1 one weight's decayed gradient falls to 5e-4 from
# terms near 9e-3, and a 1e-7 difference in the loss gradient then moves it by 3e-5 relative.
# Weight decay 0.01 keeps every element well-conditioned.
optimizers = {
    "rmsprop": lambda p: torch.optim.RMSprop(p),
    "rmsprop_momentum_centered": lambda p: torch.optim.RMSprop(p, lr=0.005, alpha=0.9, eps=1e-6, momentum=0.8, centered=True),
    "rmsprop_decay": lambda p: torch.optim.RMSprop(p, lr=0.02, weight_decay=0.01, momentum=0.5),
    "adadelta": lambda p: torch.optim.Adadelta(p),
    "adadelta_decay": lambda p: torch.optim.Adadelta(p, lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1),
    # One-cycle scheduling stepped after each update: it also cycles SGD's momentum (from 0.95,
    # though SGD was made without momentum) and Adam's first beta.
    "sgd_onecycle": lambda p: torch.optim.SGD(p, lr=0.1),
    "adam_onecycle": lambda p: torch.optim.Adam(p, lr=0.01),
}
step_schedules = {
    "sgd_onecycle": lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.5, total_steps=3),
    "adam_onecycle": lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.05, total_steps=4),
}
out["steps"] = {}
for name, make in optimizers.items():
    model = cnn()
    model.load_state_dict(initial)
    opt = make(model.parameters())
    scheduler = step_schedules[name](opt) if name in step_schedules else None
    steps = []
    for _ in range(3):
        opt.zero_grad()
        nn.CrossEntropyLoss()(model(x), y).backward()
        opt.step()
        if scheduler:
            scheduler.step()
        steps.append({k: flat(v) for k, v in model.state_dict().items()})
    out["steps"][name] = steps

schedules = {
    "step_3_0.5": (lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 10),
    "cosine_5_0.001": (lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.001), 12),
    "cosine_4": (lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=4), 6),
    "onecycle_0.5_20": (lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.5, total_steps=20), 20),
    "onecycle_2_7": (lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=2.0, total_steps=7, pct_start=0.5,
                                                                   div_factor=10, final_div_factor=100,
                                                                   cycle_momentum=False), 7),
    "onecycle_momenta": (lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.3, total_steps=9, pct_start=0.4,
                                                                       base_momentum=0.7, max_momentum=0.9), 10),
    "onecycle_adam": (lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.3, total_steps=6), 7),
}
out["schedules"] = {}
for name, (make, steps) in schedules.items():
    parameter = nn.Parameter(torch.zeros(1))
    adam = name.endswith("adam")
    opt = torch.optim.Adam([parameter], lr=0.1) if adam else torch.optim.SGD([parameter], lr=0.1, momentum=0.9)
    scheduler = make(opt)
    rates, momenta = [], []
    for index in range(steps):
        group = opt.param_groups[0]
        rates.append(group["lr"])
        momenta.append(group["betas"][0] if adam else group["momentum"])
        if index + 1 < steps:
            opt.step()
            scheduler.step()
    out["schedules"][name] = {"rates": rates, "momenta": momenta}

out["generator"] = f"torch {torch.__version__}"

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "parity_layers.json"), "w") as f:
    json.dump(out, f, separators=(",", ":"))
