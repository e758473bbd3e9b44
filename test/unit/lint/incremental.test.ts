/** LintDocument: re-linting after edits gives exactly what a fresh lint of the new text gives. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { initLint, LintDocument, lintSource } from '../../../src/core/lint/index';
import { BUGGY, CLEAN, corpusFiles } from './helpers';

before(async () => {
  await initLint();
});

/** A small deterministic PRNG, so failures reproduce. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('LintDocument', () => {
  test('applyEdit: insert, replace, delete, at the start, middle and end', () => {
    const base = readFileSync(`${BUGGY}/softmax_into_cross_entropy.py`, 'utf8');
    const doc = new LintDocument(base);
    try {
      assert.deepEqual(doc.lint(), lintSource(base));
      const edits: [number, number, string][] = [
        [0, 0, '# header\n'],
        [base.indexOf('out = model(x)'), base.indexOf('out = model(x)') + 3, 'logits'],
        [base.length, base.length, '\nprint("done")\n'],
        [100, 140, ''],
      ];
      let text = doc.text;
      for (const [s, e, t] of edits) {
        doc.applyEdit(s, e, t);
        text = text.slice(0, s) + t + text.slice(e);
        assert.equal(doc.text, text);
        assert.deepEqual(doc.lint(), lintSource(text));
      }
    } finally {
      doc.dispose();
    }
  });

  test('random edits on corpus files match a fresh lint every time', () => {
    const rand = rng(42);
    const snippets = ['\n', 'x', '    ', 'sorted(', ')', 'model.eval()\n', 'F.softmax(', '# mistake-lens: ignore\n', 'loss.backward()\n', '"'];
    for (const file of [...corpusFiles(BUGGY), ...corpusFiles(CLEAN)].filter((f) => f.endsWith('.py')).slice(0, 12)) {
      const doc = new LintDocument(readFileSync(file, 'utf8'));
      try {
        for (let i = 0; i < 15; i++) {
          const t = doc.text;
          const s = Math.floor(rand() * t.length);
          const e = Math.min(t.length, s + Math.floor(rand() * 20));
          const ins = rand() < 0.3 ? '' : snippets[Math.floor(rand() * snippets.length)]!;
          if (rand() < 0.5) doc.applyEdit(s, e, ins);
          else doc.setText(t.slice(0, s) + ins + t.slice(e));
          assert.deepEqual(doc.lint(), lintSource(doc.text), `${file} after edit ${i}`);
        }
      } finally {
        doc.dispose();
      }
    }
  });

  test('non-ASCII text: columns are UTF-16 code units', () => {
    const src = 'import glob\n# café ✓ 😀\nlabels = load()  # étiquettes 😀\nimgs = glob.glob("données/😀/*")\nz = list(zip(imgs, labels))\n';
    const doc = new LintDocument(src);
    try {
      const [f] = doc.lint();
      assert.equal(f?.code, 'ML001');
      assert.deepEqual(f?.range.start, { line: 3, character: 7 });
      assert.equal(f?.range.end.character, src.split('\n')[3]!.length);
      doc.applyEdit(src.indexOf('# café'), src.indexOf('# café'), '😀😀 = 1\n');
      assert.deepEqual(doc.lint(), lintSource(doc.text));
    } finally {
      doc.dispose();
    }
  });
});
