/**
 * ML201, model and code together. The model facts come from real diagnostics runs (ONNX
 * Runtime) on models PyTorch exported (scripts/fixtures/planted_bugs.py): softmax.onnx ends in
 * a Softmax, clean.onnx in a Linear layer. The planted call sites carry `# expect: ML201`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, test } from 'node:test';
import { initLint, lintSource } from '../../../src/core/lint/index';
import { linkModelToScript, type ModelOutputFacts, modelOutputFacts } from '../../../src/core/lint/modelLink';
import { CLEAN, diagnose, MODELS } from '../diagnostics/helpers';
import { REPO } from './helpers';

const FIX = join(REPO, 'test/fixtures/model-link');
const script = (name: string) => readFileSync(join(FIX, name), 'utf8');
const SOFTMAX = resolve(REPO, MODELS, 'softmax.onnx');
const LOGITS = resolve(REPO, MODELS, 'clean.onnx');

/** 1-based lines of `# expect: ML201`. */
const expected = (src: string) => src.split('\n').flatMap((l, i) => (/# expect: ML201\b/.test(l) ? [i + 1] : []));
const lines = (src: string, model: ModelOutputFacts) => linkModelToScript(src, model).map((f) => f.range.start.line + 1);

let softmax: ModelOutputFacts;

before(async () => {
  await initLint();
  const f = modelOutputFacts(await diagnose({ model: SOFTMAX, data: CLEAN }));
  assert.ok(f, 'diagnostics found probabilities');
  softmax = f;
});

describe('ML201: what diagnostics say about the outputs', () => {
  test('softmax.onnx returns probabilities (a Softmax node, rows measured); clean.onnx gives no facts, so no links', async () => {
    assert.equal(softmax.outputs, 'probabilities');
    assert.equal(softmax.path, SOFTMAX);
    assert.match(softmax.evidence, /Softmax node, and every row sums to 1 over 160 examples/);
    assert.equal(modelOutputFacts(await diagnose({ model: LOGITS, data: CLEAN })), null);
  });

  test('a sigmoid head and a measured softmax without a Softmax node', () => {
    const report = (finalOp: string, rowsSumToOne: boolean) => ({ model: { path: '/m.onnx' }, findings: [{ code: 'ML-M002', severity: 'warning', details: { output: 'y', finalOp, rowsSumToOne, rowsChecked: 50 } }] });
    assert.equal(modelOutputFacts(report('Sigmoid', false))?.outputs, 'sigmoid');
    assert.equal(modelOutputFacts(report('Div', true))?.outputs, 'probabilities');
    assert.equal(modelOutputFacts({ model: { path: '/m.onnx' }, findings: [{ code: 'ML-M002', severity: 'info', details: { finalOp: 'LogSoftmax' } }] }), null);
  });
});

describe('ML201: the loss call sites fed by the model', () => {
  test('planted: the script that exports softmax.onnx trains and evaluates with cross-entropy on its outputs', () => {
    const src = script('train_export_softmax.py');
    const want = expected(src);
    assert.equal(want.length, 2);
    const found = linkModelToScript(src, softmax);
    assert.deepEqual(found.map((f) => f.range.start.line + 1), want);
    for (const f of found) {
      assert.equal(f.code, 'ML201');
      assert.equal(f.severity, 'warning');
      assert.match(f.message, /softmax\.onnx/);
      assert.match(f.message, /Softmax node/);
      assert.equal(f.related?.[0]?.range.start.line, src.split('\n').findIndex((l) => l.includes('torch.onnx.export')));
    }
    assert.match(found[0]!.message, /^`scores` is the output of the model in softmax\.onnx/);
    assert.match(found[1]!.message, /F\.cross_entropy applies log_softmax itself/);
  });

  test('the static rules cannot see the softmax here (it is in another file): ML201 is the only way to find it', () => {
    const codes = lintSource(script('train_export_softmax.py')).map((f) => f.code);
    assert.ok(!codes.includes('ML002') && !codes.includes('ML003'), codes.join(', '));
  });

  test('clean: a script that uses the loss but never names the model file', () => {
    assert.deepEqual(lines(script('train_only.py'), softmax), []);
  });

  test('clean: the script that exports the logits model does not name softmax.onnx', () => {
    assert.deepEqual(lines(script('train_export_clean.py'), softmax), []);
    // and the same script renamed to export softmax.onnx is linked (the name is what links it)
    assert.deepEqual(lines(script('train_export_clean.py').replace('"clean.onnx"', '"softmax.onnx"'), softmax).length, 2);
  });

  const header = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nimport onnxruntime as ort\nfrom nets import Net, Other\n';

  test('the file must be the model: another folder, or another file name, is not linked', () => {
    const body = (path: string) => `${header}model = Net()\nloss = F.cross_entropy(model(x), y)\ntorch.onnx.export(model, x, ${path})\n`;
    assert.deepEqual(lines(body('"models/softmax.onnx"'), softmax), [7]);
    assert.deepEqual(lines(body('"diagnostics/models/softmax.onnx"'), softmax), [7]);
    assert.deepEqual(lines(body('"exports/softmax.onnx"'), softmax), []);
    assert.deepEqual(lines(body('"softmax2.onnx"'), softmax), []);
    assert.deepEqual(lines(body('out_path'), softmax), []);
    const viaPath = (dir: string) => `${header}OUT = Path(${dir}) / "models"\nmodel = Net()\nloss = F.cross_entropy(model(x), y)\ntorch.onnx.export(model, x, OUT / "softmax.onnx")\n`.replace('import torch\n', 'import torch\nfrom pathlib import Path\n');
    assert.deepEqual(lines(viaPath('"diagnostics"'), softmax), [9]);
    assert.deepEqual(lines(viaPath('root'), softmax), [9]);
    assert.deepEqual(lines(viaPath('"runs"'), softmax), []);
    assert.deepEqual(lines(`${header}model = Net()\nloss = F.cross_entropy(model(x), y)\ntorch.onnx.export(model, x, f"{out}/models/softmax.onnx")\n`, softmax), [7]);
  });

  test('only losses fed by the exported model: another model, or the probabilities turned into log-probabilities, are fine', () => {
    const src = `${header}model = Net()\nteacher = Other()\nl1 = F.cross_entropy(teacher(x), y)\nl2 = F.nll_loss(torch.log(model(x)), y)\nl3 = F.mse_loss(model(x), t)\nl4 = nn.CrossEntropyLoss()(model.cuda()(x), y)\ntorch.onnx.export(model, x, "softmax.onnx")\n`;
    assert.deepEqual(lines(src, softmax), [11]);
  });

  test('an ONNX Runtime session on the file: the scores run() returns, into cross_entropy', () => {
    const src = `${header}sess = ort.InferenceSession("models/softmax.onnx")\nprobs = sess.run(None, {"image": x})[0]\nloss = F.cross_entropy(torch.from_numpy(probs), y)\nother = ort.InferenceSession("clean.onnx").run(None, {"image": x})[0]\nl2 = F.cross_entropy(torch.from_numpy(other), y)\n`;
    assert.deepEqual(lines(src, softmax), [8]);
  });

  test('a suppression comment silences it; a softmax the static rules see is left to ML002', () => {
    const base = `${header}model = Net()\nloss = F.cross_entropy(model(x), y)\ntorch.onnx.export(model, x, "softmax.onnx")\n`;
    assert.deepEqual(lines(base.replace('model(x), y)', 'model(x), y)  # mistake-lens: ignore[ML201]'), softmax), []);
    assert.deepEqual(lines(base.replace('F.cross_entropy(model(x), y)', 'F.cross_entropy(F.softmax(model(x), 1), y)'), softmax), []);
  });

  test('a sigmoid model: BCEWithLogitsLoss on its outputs is linked, BCELoss is right', () => {
    const sig: ModelOutputFacts = { path: '/work/m/sig.onnx', outputs: 'sigmoid', evidence: "its output 'y' comes from a Sigmoid node" };
    const src = `${header}model = Net()\na = nn.BCEWithLogitsLoss()(model(x), y)\nb = nn.BCELoss()(model(x), y)\ntorch.onnx.export(model, x, "sig.onnx")\n`;
    assert.deepEqual(lines(src, sig), [7]);
  });
});
