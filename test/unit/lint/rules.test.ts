/**
 * Behaviour of each rule on small snippets: what fires and, as importantly, the idioms that
 * must not (docs/lint-rules.md describes both). Each case lists the expected "line:code" keys.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initLint, lintSource } from '../../../src/core/lint/index';
import { py } from './helpers';

before(async () => {
  await initLint();
});

const keys = (src: string) => lintSource(src).map((f) => `${f.range.start.line + 1}:${f.code}`);
const H = 'import glob, os\nimport numpy as np\nimport pandas as pd\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';
const at = (n: number, code: string) => `${n + 6}:${code}`;

const cases: [string, string, string[]][] = [
  // ML001
  ['ML001 a later files.sort() sorts it', `files = glob.glob("a/*")\nfiles.sort()\npairs = zip(files, np.load("y.npy"))\n`, []],
  ['ML001 labels derived from the files', `files = glob.glob("a/*/*.png")\nys = [f.split("/")[-2] for f in files]\npairs = list(zip(files, ys))\n`, []],
  ['ML001 derived through a numpy stack', `files = glob.glob("a/*.npy")\nX = np.stack([np.load(f) for f in files])\ny = np.array([os.path.basename(f)[0] for f in files])\ntrain(X, y)\n`, []],
  ['ML001 only iterated', `for f in os.listdir("tmp"):\n    os.remove(os.path.join("tmp", f))\nn = len(glob.glob("x/*"))\n`, []],
  ['ML001 natsorted', `from natsort import natsorted\na = natsorted(glob.glob("a/*"))\nb = natsorted(glob.glob("b/*"))\nz = zip(a, b)\n`, []],
  ['ML001 DataFrame columns from two listings', `df = pd.DataFrame({"img": glob.glob("i/*"), "mask": sorted(glob.glob("m/*"))})\n`, [at(1, 'ML001')]],
  ['ML001 tf.data from_tensor_slices', `import tensorflow as tf\npaths = tf.io.gfile.glob("d/*.jpg")\nds = tf.data.Dataset.from_tensor_slices((paths, np.load("l.npy")))\n`, [at(2, 'ML001')]],
  ['ML001 a single listing with a transform argument is fine', `from mylib import ImageSet\nds = ImageSet(glob.glob("d/*.jpg"), transform=None)\n`, []],
  ['ML001 through a dataset class of the file', `class DS:\n    def __init__(self, files, labels):\n        self.files, self.labels = files, labels\n    def __getitem__(self, i):\n        return self.files[i], self.labels[i]\nds = DS(glob.glob("d/*"), np.load("y.npy"))\n`, [at(6, 'ML001')]],
  // ML002 / ML003 / ML015
  ['ML002 softmax as a soft target is fine', `loss = F.cross_entropy(student, F.softmax(teacher / 2, dim=1))\n`, []],
  ['ML002 forward that returns probabilities only in eval is unknown', `class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 3)\n    def forward(self, x):\n        z = self.fc(x)\n        if self.training:\n            return z\n        return z.softmax(-1)\nnet = Net()\nloss = F.cross_entropy(net(x), y)\n`, []],
  ['ML002 tuple returns: logits fine, probabilities flagged', `class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 3)\n    def forward(self, x):\n        z = self.fc(x)\n        return z, F.softmax(z, dim=-1)\nnet = Net()\nlogits, probs = net(x)\na = F.cross_entropy(logits, y)\nb = F.cross_entropy(probs, y)\n`, [at(11, 'ML002')]],
  ['ML002 a softmax module attribute', `class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 3)\n        self.sm = nn.Softmax(dim=1)\n    def forward(self, x):\n        return self.sm(self.fc(x))\nloss = nn.CrossEntropyLoss()(Net()(x), y)\n`, [at(8, 'ML002')]],
  ['ML003 torchvision classifiers output logits', `from torchvision import models\nnet = models.resnet50()\nloss = F.nll_loss(net(x), y)\n`, [at(3, 'ML003')]],
  ['ML003 log-probabilities are fine, even through torch.log(softmax) (ML011 says why that is unstable)', `a = F.nll_loss(F.log_softmax(z, 1), y)\nb = F.nll_loss(torch.log(F.softmax(z, 1)), y)\n`, [at(2, 'ML011')]],
  // ML006
  ['ML006 column targets are fine', `head = nn.Linear(8, 1)\ny = torch.randn(32).unsqueeze(1)\nloss = F.mse_loss(head(x), y)\n`, []],
  ['ML006 a [N, 1] target against a [N] prediction', `head = nn.Sequential(nn.Linear(8, 1), nn.Flatten(0))\ntarget = torch.randn(32, 1)\npred = torch.randn(32)\nloss = F.l1_loss(pred, target)\n`, [at(4, 'ML006')]],
  // ML007 / ML008 / ML014
  ['ML007 a model without dropout or batch norm needs no eval()', `net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))\nwith torch.no_grad():\n    for x, y in val_loader:\n        net(x)\n`, []],
  ['ML007 from_pretrained models start in eval mode', `from transformers import AutoModel\nm = AutoModel.from_pretrained("bert-base-uncased")\nwith torch.no_grad():\n    for batch in test_loader:\n        m(**batch)\n`, []],
  ['ML007 train(False) is eval mode', `net = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5))\nnet.train(False)\nwith torch.no_grad():\n    for x in val_loader:\n        net(x)\n`, []],
  ['ML007 a model built in the file, evaluated under no_grad in training mode', `net = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8))\nfeats = []\nwith torch.no_grad():\n    for x in loader:\n        feats.append(net(x))\n`, [at(4, 'ML007')]],
  ['ML008 model.train(flag) is not a known mode', `net = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5))\nopt = torch.optim.SGD(net.parameters(), lr=0.1)\nnet.eval()\nnet.train(is_training)\nfor x, y in loader:\n    opt.zero_grad()\n    F.mse_loss(net(x), y).backward()\n    opt.step()\n`, []],
  ['ML014 a caller that turns gradients off', `def predict(net, loader):\n    net.eval()\n    return [net(x) for x in loader] + [net(x) for x in loader for _ in range(1)]\ndef evaluate(net, loader):\n    net.eval()\n    out = []\n    for x in loader:\n        out.append(net(x))\n    return out\nmodel = nn.Sequential(nn.Linear(2, 2), nn.Dropout())\nwith torch.no_grad():\n    evaluate(model, val_loader)\n`, []],
  // ML009
  ['ML009 scheduler steps are not optimizer steps', `for x, y in loader:\n    loss = crit(model(x), y)\n    loss.backward()\n    scheduler.step()\n`, []],
  ['ML009 model.zero_grad() and p.grad = None count', `for x, y in loader:\n    model.zero_grad()\n    crit(model(x), y).backward()\n    opt.step()\nfor x, y in loader:\n    for p in model.parameters():\n        p.grad = None\n    crit(model(x), y).backward()\n    opt.step()\n`, []],
  // ML010
  ['ML010 attention heads and flattening are fine', `def f(x, qkv):\n    B, T, C = x.size()\n    q = qkv.view(B, T, 4, C // 4).transpose(1, 2)\n    y = q.transpose(1, 2).contiguous().view(B, T, C)\n    z = x.reshape(B * T, C)\n    w = x.view(B, -1)\n    return y, z, w\n`, []],
  ['ML010 reassigned after the unpacking: not the same tensor', `def f(x):\n    b, c, h, w = x.shape\n    x = x.permute(0, 2, 3, 1)\n    return x.reshape(b, h, w, c)\n`, []],
  // ML011 / ML016
  ['ML011 already stabilized forms', `a = torch.log(p + 1e-8)\nb = torch.exp(z - z.max()) / torch.exp(z - z.max()).sum(dim=1, keepdim=True)\nc = torch.logsumexp(z, dim=1)\nd = np.log(np.clip(p, 1e-12, 1))\n`, []],
  ['ML016 log(x + 1) the other way round', `v = np.log(counts + 1)\n`, [at(1, 'ML016')]],
  // ML012
  ['ML012 PILToTensor does not scale', `from torchvision import datasets, transforms as T\nds = datasets.ImageFolder("d", transform=T.PILToTensor())\nfor x, y in torch.utils.data.DataLoader(ds):\n    x = x.float() / 255\n`, []],
  ['ML012 x /= 255 after ToTensor', `from torchvision import datasets, transforms as T\nds = datasets.ImageFolder("d", transform=T.Compose([T.ToTensor()]))\nfor x, y in torch.utils.data.DataLoader(ds):\n    x /= 255\n`, [at(4, 'ML012')]],
  // ML013
  ['ML013 Lightning fit without a seed', `import lightning as L\ntrainer = L.Trainer(max_epochs=3)\ntrainer.fit(model, dm)\n`, [at(3, 'ML013')]],
  ['ML013 any *seed* helper counts', `from utils import fix_seeds\nfix_seeds(3)\nfor x, y in loader:\n    opt.zero_grad()\n    crit(model(x), y).backward()\n    opt.step()\n`, []],
  ['ML013 HuggingFace Trainer seeds by default', `from transformers import Trainer\nTrainer(model=m, args=a).train()\nfor x in loader:\n    opt.zero_grad(); m(x).sum().backward(); opt.step()\n`, []],
];

describe('rules on snippets', () => {
  for (const [name, body, expected] of cases) {
    test(name, () => {
      // a seed at the end (line numbers unchanged) keeps ML013 out of the cases about other rules
      const seed = name.startsWith('ML013') ? '' : 'torch.manual_seed(0)\n';
      assert.deepEqual(keys(H + body + seed), expected);
    });
  }

  test('a file that does not parse cleanly still gets findings where the tree is sound', () => {
    const src = H + 'files = glob.glob("a/*")\ndef broken(:\n    pass\npairs = list(zip(files, np.load("y.npy")))\n';
    assert.deepEqual(keys(src), [at(1, 'ML001')]);
  });

  test('no torch, no noise: plain Python with similar names', () => {
    const src = py`
      import glob
      def softmax(xs):
          m = max(xs)
          return [x - m for x in xs]
      def cross_entropy(p, q):
          return sum(a * b for a, b in zip(p, q))
      scores = cross_entropy(softmax([1, 2]), [0, 1])
      for name in glob.glob("*.txt"):
          print(name)
    `;
    assert.deepEqual(keys(src), []);
  });
});
