/**
 * After an edit, LintDocument re-parses only the top-level statements the edit touched
 * (regionParse.ts). Reference: a fresh one-thread conversion of the same text, compared node
 * for node (types, offsets, fields, operators, parents, comments) after every edit of long
 * random edit sequences on the corpus, including edits that make the cut unsafe (an opened
 * string or bracket, a continued line, a dedented `else:`), which must fall back.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { combineNotebook, initLint, LintDocument, lintSource } from '../../../src/core/lint/index';
import { setParallelParse } from '../../../src/core/lint/parallelParse';
import { BUGGY, CLEAN, corpusFiles, freshSyntax, syntaxDump } from './helpers';

before(async () => {
  await initLint();
  setParallelParse(false); // the reference and the documents here: one thread
});

const dump = syntaxDump;
const fresh = freshSyntax;
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
const textOf = (file: string) => (file.endsWith('.ipynb') ? combineNotebook(readFileSync(file, 'utf8')).text : readFileSync(file, 'utf8'));

const SNIPPETS = [
  'x', '\n', '    ', '\t', 'sorted(', ')', '(', '[', ']', '"', '"""', "'''", '\\\n', '\\', '#', '# note\n', ':', 'else:\n', '    return x\n',
  '\n\ndef added(a, b=1):\n    return a + b\n', '\n@torch.no_grad()\ndef evaluate(model, loader):\n    model.eval()\n', 'class K:\n    pass\n',
  'model.eval()\n', 'loss.backward()\n', 'F.softmax(', 'é😀', '\r\n', 'if x:\n', 'lambda q: q', 'f"{x!r}"', '@', 'import os\n',
];

describe('re-parsing the statements an edit touched', () => {
  test('random edits on every corpus file: the same tree as a fresh parse after every edit', () => {
    const rand = rng(7);
    let partial = 0;
    let whole = 0;
    for (const file of [...corpusFiles(BUGGY), ...corpusFiles(CLEAN)]) {
      const doc = new LintDocument(textOf(file));
      for (let i = 0; i < 40; i++) {
        const t = doc.text;
        // edits at line starts and ends too, where statements begin and end
        let s = Math.floor(rand() * (t.length + 1));
        if (rand() < 0.3) s = t.lastIndexOf('\n', s - 1) + 1;
        const e = rand() < 0.5 ? s : Math.min(t.length, s + Math.floor(rand() * (rand() < 0.2 ? 400 : 25)));
        const ins = rand() < 0.25 ? '' : SNIPPETS[Math.floor(rand() * SNIPPETS.length)]!;
        const before = doc.tree.hasError;
        const removed = t.slice(s, e);
        doc.applyEdit(s, e, ins);
        if (doc.lastReparse === 'statements') partial++;
        else whole++;
        assert.equal(dump(doc.tree), dump(fresh(doc.text)), `${file}, edit ${i}: [${s}, ${e}) -> ${JSON.stringify(ins)} (${doc.lastReparse}, error before: ${before})`);
        // undo most edits that broke the code, as the writer soon does: later edits then start from code that parses
        if (doc.tree.hasError && !before && rand() < 0.8) {
          doc.applyEdit(s, s + ins.length, removed);
          assert.equal(doc.text, t);
          assert.equal(dump(doc.tree), dump(fresh(doc.text)), `${file}, undo of edit ${i}`);
        }
      }
      assert.deepEqual(doc.lint(), lintSource(doc.text), file);
    }
    // both paths are exercised (random characters break the code more often than not)
    assert.ok(partial > 80 && whole > 500, `statements ${partial}, whole file ${whole}`);
  });

  test('line edits as a writer makes them (copy, delete, comment, rename): the same tree, and mostly statement re-parses', () => {
    const rand = rng(11);
    let partial = 0;
    let edits = 0;
    for (const file of [...corpusFiles(BUGGY), ...corpusFiles(CLEAN)]) {
      const doc = new LintDocument(textOf(file));
      for (let i = 0; i < 30; i++) {
        const t = doc.text;
        const starts = [0];
        for (let k = t.indexOf('\n'); k !== -1 && k + 1 < t.length; k = t.indexOf('\n', k + 1)) starts.push(k + 1);
        const ls = starts[Math.floor(rand() * starts.length)]!;
        const le = t.indexOf('\n', ls) === -1 ? t.length : t.indexOf('\n', ls) + 1;
        const line = t.slice(ls, le);
        const indent = /^[ \t]*/.exec(line)![0];
        const cleanBefore = !doc.tree.hasError;
        const r = rand();
        if (r < 0.3) doc.applyEdit(ls, ls, line.endsWith('\n') ? line : `${line}\n`); // duplicate the line
        else if (r < 0.5) doc.applyEdit(ls, le, ''); // delete it
        else if (r < 0.7) doc.applyEdit(ls, ls, `${indent}# checked ${i}\n`);
        else {
          const m = /[A-Za-z_]\w*/.exec(line);
          if (!m) continue;
          doc.applyEdit(ls + m.index, ls + m.index + m[0].length, `${m[0]}_${i}`);
        }
        edits++;
        if (doc.lastReparse === 'statements') partial++;
        assert.equal(dump(doc.tree), dump(fresh(doc.text)), `${file}, line edit ${i} (${doc.lastReparse})`);
        // code that parses before and after the edit never needs the whole file parsed again
        if (cleanBefore && !doc.tree.hasError) assert.equal(doc.lastReparse, 'statements', `${file}, line edit ${i}`);
      }
      assert.deepEqual(doc.lint(), lintSource(doc.text), file);
    }
    assert.ok(partial > 300, `statements ${partial} of ${edits}`);
  });

  test('opening a triple-quoted string that runs over later statements falls back to the whole file', () => {
    const src = 'import torch\n\n\ndef f(x):\n    return torch.log(x)\n\n\ndef g(y):\n    return """\n"""\n\n\nz = 1\n';
    const doc = new LintDocument(src);
    const at = src.indexOf('return torch');
    doc.applyEdit(at, at, '"""');
    assert.equal(doc.lastReparse, 'whole');
    assert.equal(dump(doc.tree), dump(fresh(doc.text)));
    doc.applyEdit(at, at + 3, '');
    assert.equal(doc.lastReparse, 'whole', 'the previous text had an error: the whole file again');
    doc.applyEdit(at, at, 'y = 2\n    ');
    assert.equal(doc.lastReparse, 'statements');
    assert.equal(dump(doc.tree), dump(fresh(doc.text)));
  });

  test('a line continued into the next statement falls back; a one-line edit in a large file does not', () => {
    const src = 'a = 1\n\nb = 2\nc = [3]\n';
    const doc = new LintDocument(src);
    doc.applyEdit(src.indexOf('\nc'), src.indexOf('\nc'), ' + \\');
    assert.equal(doc.lastReparse, 'whole');
    assert.equal(dump(doc.tree), dump(fresh(doc.text)));

    const big = Array.from({ length: 3000 }, (_, i) => `def f${i}(model, x, y):\n    return F.cross_entropy(model(x), y)\n\n`).join('');
    const d2 = new LintDocument(big);
    const at = big.indexOf('model(x)', big.length >> 1);
    d2.applyEdit(at, at + 'model(x)'.length, 'F.softmax(model(x), dim=1)');
    assert.equal(d2.lastReparse, 'statements');
    assert.equal(dump(d2.tree), dump(fresh(d2.text)));
    assert.equal(d2.lint().filter((f) => f.code === 'ML002').length, 1);
  });
});
