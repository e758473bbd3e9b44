/** Quick fixes: the edits produce the expected text, and applying one removes its finding without adding others. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { before, describe, test } from 'node:test';
import { initLint, lintSource } from '../../../src/core/lint/index';
import { applyFix, BUGGY, corpusFiles, py } from './helpers';

before(async () => {
  await initLint();
});

/** Lints `src`, applies the one fix of `code`, returns the new text. */
function fixed(src: string, code: string): string {
  const f = lintSource(src).filter((x) => x.code === code);
  assert.equal(f.length, 1, `one ${code} finding expected, got ${JSON.stringify(lintSource(src).map((x) => x.code))}`);
  assert.ok(f[0]!.fix, `${code} has a fix`);
  return applyFix(src, f[0]!.fix!);
}

describe('fix texts', () => {
  test('ML001 wraps the listing in sorted(); os.scandir gets a key', () => {
    const src = py`
      import glob, os
      imgs = glob.glob("a/*.png")
      labels = load()
      pairs = list(zip(imgs, labels))
    `;
    assert.match(fixed(src, 'ML001'), /imgs = sorted\(glob\.glob\("a\/\*\.png"\)\)/);
    const sc = py`
      import os
      entries = list(os.scandir("d"))
      pairs = list(zip(entries, load()))
    `;
    assert.match(fixed(sc, 'ML001'), /sorted\(os\.scandir\("d"\), key=lambda e: e\.name\)/);
  });

  test('ML002 passes the logits: inline softmax and a softmax variable', () => {
    const inline = py`
      import torch.nn.functional as F
      loss = F.cross_entropy(F.softmax(logits, dim=1), y)
    `;
    assert.match(fixed(inline, 'ML002'), /F\.cross_entropy\(logits, y\)/);
    const viaVar = py`
      import torch.nn.functional as F
      def step(logits, y):
          probs = F.softmax(logits, dim=1)
          return F.cross_entropy(probs, y)
    `;
    assert.match(fixed(viaVar, 'ML002'), /return F\.cross_entropy\(logits, y\)/);
  });

  test('ML002 offers no fix when the logits variable changed after the softmax', () => {
    const src = py`
      import torch.nn.functional as F
      def step(logits, y):
          probs = F.softmax(logits, dim=1)
          logits = logits * 2
          return F.cross_entropy(probs, y)
    `;
    const f = lintSource(src).find((x) => x.code === 'ML002');
    assert.ok(f);
    assert.equal(f.fix, undefined);
  });

  test('ML003 softmax -> log_softmax; logits wrapped in log_softmax', () => {
    const src = py`
      import torch.nn.functional as F
      loss = F.nll_loss(F.softmax(out, dim=1), y)
    `;
    assert.match(fixed(src, 'ML003'), /F\.nll_loss\(F\.log_softmax\(out, dim=1\), y\)/);
    const logits = py`
      import torch.nn as nn
      import torch.nn.functional as F
      head = nn.Linear(8, 3)
      loss = F.nll_loss(head(x), y)
    `;
    assert.match(fixed(logits, 'ML003'), /F\.nll_loss\(F\.log_softmax\(head\(x\), dim=1\), y\)/);
  });

  test('ML004 removes the sigmoid', () => {
    const src = py`
      import torch
      import torch.nn as nn
      crit = nn.BCEWithLogitsLoss()
      loss = crit(torch.sigmoid(score), t)
    `;
    assert.match(fixed(src, 'ML004'), /crit\(score, t\)/);
  });

  test('ML006 squeezes the [N, 1] side', () => {
    const src = py`
      import torch
      import torch.nn as nn
      import torch.nn.functional as F
      head = nn.Linear(4, 1)
      y = torch.randn(64)
      loss = F.mse_loss(head(x), y)
    `;
    assert.match(fixed(src, 'ML006'), /F\.mse_loss\(head\(x\)\.squeeze\(-1\), y\)/);
  });

  test('ML008 inserts model.train() where training starts again', () => {
    const src = py`
      import torch
      import torch.nn as nn
      model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.1), nn.Linear(4, 2))
      opt = torch.optim.SGD(model.parameters(), lr=0.1)
      for epoch in range(3):
          for x, y in loader:
              opt.zero_grad()
              nn.functional.cross_entropy(model(x), y).backward()
              opt.step()
          model.eval()
    `;
    assert.match(fixed(src, 'ML008'), /for epoch in range\(3\):\n    model\.train\(\)\n    for x, y in loader:/);
  });

  test('ML009 inserts zero_grad() before the backward pass', () => {
    const src = py`
      for x, y in loader:
          loss = crit(model(x), y)
          loss.backward()
          optimizer.step()
    `;
    assert.match(fixed(src, 'ML009'), /    optimizer\.zero_grad\(\)\n    loss\.backward\(\)/);
  });

  test('ML009 offers no fix when the step is conditional (accumulation)', () => {
    const src = py`
      for i, (x, y) in enumerate(loader):
          crit(model(x), y).backward()
          if i % 4 == 0:
              optimizer.step()
    `;
    const f = lintSource(src).find((x) => x.code === 'ML009');
    assert.ok(f);
    assert.equal(f.fix, undefined);
  });

  test('ML010 turns view into permute', () => {
    const src = py`
      def f(x):
          B, H, W, C = x.shape
          return x.view(B, C, H, W)
    `;
    assert.match(fixed(src, 'ML010'), /return x\.permute\(0, 3, 1, 2\)/);
  });

  test('ML011 stable forms', () => {
    assert.match(fixed('import torch\nimport torch.nn.functional as F\nz = torch.log(F.softmax(x, dim=-1))\n', 'ML011'), /z = F\.log_softmax\(x, dim=-1\)/);
    assert.match(fixed('import torch\nz = torch.log(x.softmax(1))\n', 'ML011'), /z = x\.log_softmax\(1\)/);
    assert.match(fixed('import torch\nz = torch.log(torch.exp(s).sum(dim=1))\n', 'ML011'), /z = torch\.logsumexp\(s, dim=1\)/);
    assert.match(fixed('import torch\nimport torch.nn.functional as F\nz = torch.log(torch.sigmoid(s))\n', 'ML011'), /z = F\.logsigmoid\(s\)/);
    assert.match(fixed('import torch\np = torch.exp(s) / torch.exp(s).sum(dim=1, keepdim=True)\n', 'ML011'), /p = torch\.softmax\(s, dim=1\)/);
  });

  test('ML016 log1p / expm1', () => {
    assert.match(fixed('import numpy as np\nv = np.log(1 + x)\n', 'ML016'), /v = np\.log1p\(x\)/);
    assert.match(fixed('import torch\nv = torch.exp(x) - 1\n', 'ML016'), /v = torch\.expm1\(x\)/);
  });

  test('ML012 removes the second scaling', () => {
    const src = py`
      from torch.utils.data import DataLoader
      from torchvision import datasets, transforms
      ds = datasets.MNIST("d", transform=transforms.ToTensor())
      for x, y in DataLoader(ds):
          x = x.float() / 255
    `;
    assert.match(fixed(src, 'ML012'), /x = x\.float\(\)\n/);
  });

  test('ML013 inserts a seed after the imports; ML014 adds @torch.no_grad()', () => {
    const src = py`
      import torch
      import torch.nn as nn
      model = nn.Linear(3, 2)
      opt = torch.optim.SGD(model.parameters(), lr=0.1)
      for x, y in loader:
          opt.zero_grad()
          nn.functional.cross_entropy(model(x), y).backward()
          opt.step()
    `;
    assert.match(fixed(src, 'ML013'), /import torch\.nn as nn\ntorch\.manual_seed\(0\)\nmodel = /);
    const ev = py`
      import torch
      def evaluate(model, loader):
          model.eval()
          for x, y in loader:
              print(model(x))
      evaluate(torch.nn.Sequential(torch.nn.Linear(2, 2)), [])
    `;
    const out = fixed(ev, 'ML014');
    assert.match(out, /@torch\.no_grad\(\)\ndef evaluate/);
  });

  test('Keras: from_logits=True -> False', () => {
    const src = py`
      from tensorflow import keras
      m = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
      m.compile(loss=keras.losses.CategoricalCrossentropy(from_logits=True))
    `;
    assert.match(fixed(src, 'ML002'), /CategoricalCrossentropy\(from_logits=False\)/);
  });
});

describe('applying each fix of the buggy corpus removes its finding and adds none', () => {
  for (const file of corpusFiles(BUGGY).filter((f) => f.endsWith('.py'))) {
    test(basename(file), () => {
      const src = readFileSync(file, 'utf8');
      const findings = lintSource(src);
      let fixes = 0;
      for (const f of findings) {
        if (!f.fix) continue;
        fixes++;
        const after = lintSource(applyFix(src, f.fix));
        const count = (list: typeof findings, code: string) => list.filter((x) => x.code === code).length;
        assert.equal(count(after, f.code), count(findings, f.code) - 1, `fix "${f.fix.title}" for ${f.code} at line ${f.range.start.line + 1}`);
        for (const a of after) assert.ok(count(after, a.code) <= count(findings, a.code), `fix for ${f.code} introduced ${a.code}: ${a.message}`);
      }
      assert.ok(fixes > 0 || /keras|reshape/.test(file) || true);
    });
  }
});
