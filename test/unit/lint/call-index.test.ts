/**
 * Semantics.callsWhere lets rules skip the calls whose callee they do not look for. It must never
 * drop a call that the full scan it replaces (every call, its calleeName / calleeQ tested) keeps:
 * checked here against that full scan on the whole corpus and on callees spelled through aliases,
 * and end to end on findings that are only reachable through such spellings.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { initLint, lintSource } from '../../../src/core/lint/index';
import { combineNotebook } from '../../../src/core/lint/notebook';
import { pythonParser } from '../../../src/core/lint/parser';
import { Semantics } from '../../../src/core/lint/scope';
import { convertTree } from '../../../src/core/lint/syntax';
import { BUGGY, CLEAN, corpusFiles } from './helpers';

before(async () => {
  await initLint();
});

const ALIASES = `import torch
import torch.nn.functional as F
from torch.nn.functional import cross_entropy as ce
from torch import set_grad_enabled as grad_on
import lightning.pytorch as lp

def f(logits, y, model, x):
    loss = ce(F.softmax(logits, dim=1), y)
    other = (F.nll_loss)(F.softmax(logits, dim=1), y)
    grad_on(False)
    F(x)
    lp.LightningModule()
    loss.backward()
    return model(x).log()
`;

function semOf(src: string): Semantics {
  const tree = pythonParser().parse(src)!;
  try {
    return new Semantics(convertTree(tree, src).root, src);
  } finally {
    tree.delete();
  }
}

const lastPart = (q: string) => q.slice(q.lastIndexOf('.') + 1);

describe('callsWhere', () => {
  const sources = [...corpusFiles(CLEAN), ...corpusFiles(BUGGY)].map((f) => {
    const text = readFileSync(f, 'utf8');
    return { name: f, text: f.endsWith('.ipynb') ? combineNotebook(text).text : text };
  });
  sources.push({ name: 'aliases', text: ALIASES });
  const tests: [string, (n: string) => boolean][] = [
    ['backward', (n) => n === 'backward'],
    ['losses', (n) => ['cross_entropy', 'nll_loss', 'CrossEntropyLoss', 'BCELoss'].includes(n)],
    ['set_grad_enabled', (n) => n.endsWith('set_grad_enabled')],
    ['Compose/div', (n) => n === 'Compose' || n === 'div'],
    ['lightning', (n) => n === 'lightning' || n === 'LightningModule'],
  ];

  test('keeps every call the full scan keeps, in the same order', () => {
    let checked = 0;
    for (const { name, text } of sources) {
      const sem = semOf(text);
      for (const [what, t] of tests) {
        const byName = sem.calls.filter((c) => t(sem.calleeName(c) ?? '\u0001'));
        assert.deepEqual(sem.callsWhere(t), byName, `${name}: ${what} by name`);
        const got = sem.callsWhere(t, true);
        const want = sem.calls.filter((c) => {
          const q = sem.calleeQ(c);
          return (typeof q === 'string' && t(lastPart(q))) || byName.includes(c);
        });
        for (const c of want) assert.ok(got.includes(c), `${name}: ${what} qualified misses ${sem.text(c)}`);
        assert.deepEqual(got, sem.calls.filter((c) => got.includes(c)), `${name}: ${what} keeps the order of calls`);
        checked += want.length;
      }
    }
    assert.ok(checked > 50, `only ${checked} calls matched: the corpus did not exercise the index`);
  });

  test('finds callees spelled through aliases and parentheses', () => {
    const sem = semOf(ALIASES);
    const texts = (cs: ReturnType<Semantics['callsWhere']>) => cs.map((c) => sem.text(c.children.find((k) => k.field === 'function')!));
    assert.deepEqual(texts(sem.callsWhere((n) => n === 'cross_entropy' || n === 'nll_loss', true)).filter((t) => t === 'ce' || t === '(F.nll_loss)'), ['ce', '(F.nll_loss)']);
    assert.ok(texts(sem.callsWhere((n) => n.endsWith('set_grad_enabled'), true)).includes('grad_on'));
    assert.ok(texts(sem.callsWhere((n) => n === 'functional', true)).includes('F'));
    assert.deepEqual(texts(sem.callsWhere((n) => n === 'log')), ['model(x).log']);
  });

  test('losses called through an alias or in parentheses are still checked', () => {
    const keys = lintSource(ALIASES).map((f) => `${f.range.start.line + 1}:${f.code}`);
    // both losses get a softmax: ML002 on line 8 (cross_entropy), ML003 on line 9 (nll_loss)
    assert.ok(keys.includes('8:ML002'), keys.join(' '));
    assert.ok(keys.includes('9:ML003'), keys.join(' '));
  });
});
