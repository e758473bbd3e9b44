"""The training loop bench/trace.bench.ts runs plain and under the tracer; prints its own speed."""
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

steps, width, batch = (int(a) for a in sys.argv[1:4])
torch.manual_seed(0)
torch.set_num_threads(1)  # comparable on a shared 2-core machine
model = nn.Sequential(nn.Linear(64, width), nn.BatchNorm1d(width), nn.ReLU(), nn.Dropout(0.1),
                      nn.Linear(width, width), nn.ReLU(), nn.Linear(width, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x, y = torch.randn(batch, 64), torch.randint(0, 10, (batch,))


def step():
    logits = model(x)
    loss = F.cross_entropy(logits, y) + 1e-4 * sum((p * p).sum() for p in model.parameters())
    acc = (logits.argmax(1) == y).float().mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    return acc


for _ in range(5):  # warm-up, not timed
    step()
t0 = time.perf_counter()
for _ in range(steps):
    step()
print("steps_per_s %.3f" % (steps / (time.perf_counter() - t0)), flush=True)
