import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classesFromMetadata, readModel } from '../../../src/core/model/graph';
import { UserError } from '../../../src/core/errors';

const MODELS = 'test/fixtures/models';
const tmp = mkdtempSync(join(tmpdir(), 'ml-graph-'));

// What make_fixtures.py exported with torch.onnx.export (opset 13, input "input", output "logits").
test('reads inputs, outputs, opset and class names of the exported sample model', async () => {
  const m = await readModel('media/sample/model.onnx');
  assert.equal(m.opset, 13);
  assert.deepEqual(m.inputs, [{ name: 'input', elemType: 'FLOAT', shape: ['N', 1, 28, 28] }]);
  assert.equal(m.outputs.length, 1);
  assert.equal(m.outputs[0].name, 'logits');
  assert.equal(m.outputs[0].shape?.[1], 10);
  assert.deepEqual(classesFromMetadata(m.metadata), readFileSync('media/sample/classes.txt', 'utf8').trim().split('\n'));
});

test('sees the final Softmax of a probability model and the fixed batch of a batch-1 model', async () => {
  const soft = await readModel(join(MODELS, 'fmnist-cnn-softmax.onnx'));
  assert.equal(soft.producers[soft.outputs[0].name], 'Softmax');
  const b1 = await readModel(join(MODELS, 'fmnist-cnn-b1.onnx'));
  assert.equal(b1.inputs[0].shape?.[0], 1);
});

const badModel = async (name: string, bytes: Uint8Array) => {
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  await assert.rejects(readModel(p), (e: unknown) => {
    assert.ok(e instanceof UserError, String(e));
    assert.match(e.message, new RegExp(name.replace('.', '\\.')));
    assert.match(e.message, /not a valid ONNX model|empty/);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
};

test('a truncated model is refused with the file name', async () => {
  const bytes = readFileSync('media/sample/model.onnx');
  await badModel('truncated.onnx', bytes.subarray(0, Math.floor(bytes.length / 3)));
});

test('random bytes are refused', async () => {
  let x = 12345;
  const bytes = new Uint8Array(4096).map(() => ((x = (x * 1103515245 + 12345) >>> 0) >>> 24));
  await badModel('random.onnx', bytes);
});

test('a file that is not ONNX (text, zero bytes) is refused', async () => {
  await badModel('readme.onnx', new TextEncoder().encode('# not a model\nhello\n'));
  await badModel('empty.onnx', new Uint8Array(0));
});

test('a missing model names the path', async () => {
  await assert.rejects(readModel(join(tmp, 'nope.onnx')), /nope\.onnx: model file not found/);
});

test('class names from metadata: JSON list, index map, comma list', () => {
  assert.deepEqual(classesFromMetadata({ classes: '["a","b"]' }), ['a', 'b']);
  assert.deepEqual(classesFromMetadata({ labels: '{"1":"dog","0":"cat"}' }), ['cat', 'dog']);
  assert.deepEqual(classesFromMetadata({ names: 'x, y, z' }), ['x', 'y', 'z']);
  assert.equal(classesFromMetadata({ other: '1' }), undefined);
});
