/** Graph facts read with protobufjs, compared with what onnx (Python) wrote into the fixtures. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readGraphFacts } from '../../../src/core/diagnostics/graphFacts';
import { staticRandomness } from '../../../src/core/diagnostics/modelChecks';
import { MODELS, truth } from './helpers';

test('a training-mode Dropout is found through the Constant node that feeds its training_mode', async () => {
  const facts = await readGraphFacts(`${MODELS}/dropout.onnx`);
  const issues = staticRandomness(facts);
  assert.equal(issues.length, truth.models.dropout.dropoutNodes);
  const node = facts.nodes.find((n) => n.opType === 'Dropout')!;
  assert.equal(node.inputs[2], (truth.models.dropout.trainingModeInput as string[])[0]);
  assert.deepEqual(facts.smallValues.get(node.inputs[2]), [1]);
  assert.deepEqual(staticRandomness(await readGraphFacts(`${MODELS}/clean.onnx`)), []);
});

test('external data, value_info and op types are read as the file declares them', async () => {
  const clean = await readGraphFacts(`${MODELS}/clean.onnx`);
  assert.deepEqual(clean.externalData, ['weights.bin']);
  assert.equal(clean.hasValueInfo, false);
  assert.deepEqual([...new Set(clean.nodes.map((n) => n.opType))].sort(), truth.models.clean.ops);
  assert.deepEqual(clean.shapes.get('conv1.weight'), [16, 1, 3, 3]);
  const shaped = await readGraphFacts(`${MODELS}/broadcast-shapes.onnx`);
  assert.equal(shaped.hasValueInfo, true);
  const add = shaped.nodes.find((n) => n.opType === 'Add')!;
  assert.deepEqual(shaped.shapes.get(add.outputs[0]), truth.models['broadcast-shapes'].addOutputShapeInValueInfo);
});
