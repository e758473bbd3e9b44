/** `# mistake-lens: ignore[...]` on the line or the line above, `ignore` alone, `ignore-file`. */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { initLint, lintSource } from '../../../src/core/lint/index';
import { py } from './helpers';

before(async () => {
  await initLint();
});

const codes = (src: string, opts = {}) => lintSource(src, opts).map((f) => `${f.range.start.line + 1}:${f.code}`);

const BASE = py`
  import glob
  import torch
  import torch.nn.functional as F
  a = glob.glob("x/*")
  b = glob.glob("y/*")
  pairs = list(zip(a, b))
  loss = F.cross_entropy(F.softmax(out, dim=1), y)
`;

describe('suppression comments', () => {
  test('unsuppressed baseline', () => {
    assert.deepEqual(codes(BASE), ['4:ML001', '5:ML001', '7:ML002']);
  });

  test('trailing comment with the code suppresses that line only', () => {
    const src = BASE.replace('a = glob.glob("x/*")', 'a = glob.glob("x/*")  # mistake-lens: ignore[ML001]');
    assert.deepEqual(codes(src), ['5:ML001', '7:ML002']);
  });

  test('a comment with another code does not suppress', () => {
    const src = BASE.replace('a = glob.glob("x/*")', 'a = glob.glob("x/*")  # mistake-lens: ignore[ML002]');
    assert.deepEqual(codes(src), ['4:ML001', '5:ML001', '7:ML002']);
  });

  test('a comment on its own line suppresses the next line; several codes; case-insensitive', () => {
    const src = BASE.replace('loss = F.cross', '# mistake-lens: ignore[ml003, ML002]\nloss = F.cross');
    assert.deepEqual(codes(src), ['4:ML001', '5:ML001']);
  });

  test('ignore alone suppresses every code on the line', () => {
    const src = BASE.replace('b = glob.glob("y/*")', 'b = glob.glob("y/*")  # mistake-lens: ignore');
    assert.deepEqual(codes(src), ['4:ML001', '7:ML002']);
  });

  test('a trailing comment does not reach the next line', () => {
    const src = BASE.replace('a = glob.glob("x/*")', 'a = glob.glob("x/*")  # mistake-lens: ignore');
    assert.deepEqual(codes(src), ['5:ML001', '7:ML002']);
  });

  test('ignore-file', () => {
    assert.deepEqual(codes(`# mistake-lens: ignore-file[ML001]\n${BASE}`), ['8:ML002']);
    assert.deepEqual(codes(`${BASE}\n# mistake-lens: ignore-file\n`), []);
  });

  test('text in a string is not a suppression; keepSuppressed and select/ignore options', () => {
    const src = BASE.replace('a = glob.glob("x/*")', 'a = glob.glob("x/*  # mistake-lens: ignore")');
    assert.deepEqual(codes(src), ['4:ML001', '5:ML001', '7:ML002']);
    const supp = BASE.replace('a = glob.glob("x/*")', 'a = glob.glob("x/*")  # mistake-lens: ignore');
    assert.deepEqual(codes(supp, { keepSuppressed: true }), ['4:ML001', '5:ML001', '7:ML002']);
    assert.deepEqual(codes(BASE, { select: ['ML002'] }), ['7:ML002']);
    assert.deepEqual(codes(BASE, { ignore: ['ML001'] }), ['7:ML002']);
  });
});
