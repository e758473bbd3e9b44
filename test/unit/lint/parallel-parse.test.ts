/**
 * Large files are parsed on two threads, cut at a top-level definition (parallelParse.ts). The
 * reference is the one-thread copy of the same text: for every possible cut of every corpus
 * file the joined tree must be the same node for node, and a cut that is not safe (inside a
 * string, between a decorator and its function, a syntax error in either part) must fall back.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { combineNotebook, initLint, LintDocument, lintSource } from '../../../src/core/lint/index';
import { cutPoint, MIN_PARALLEL_CHARS, parseHelperReady, parseInParallel, parseSplitAt, setParallelParse, startParseHelper, stopParseHelper } from '../../../src/core/lint/parallelParse';
import type { Syntax } from '../../../src/core/lint/syntax';
import { BUGGY, CLEAN, corpusFiles, freshSyntax, syntaxDump } from './helpers';

before(async () => {
  await initLint();
  setParallelParse(true);
  assert.ok(parseHelperReady(20_000), 'the parse helper thread loaded its parser');
});
after(() => setParallelParse(true));

/** The tree, comments and error flag, and the text's length (the joined root spans the whole file). */
const dump = (s: Syntax, src: string) => `${syntaxDump(s)}#${src.length}#${s.root.end}`;
const oneThread = freshSyntax;
/** Every line start a cut could use (column 0 after an empty line), whether or not it is safe. */
function lineStartsAfterEmptyLine(src: string): number[] {
  const out: number[] = [];
  for (let i = src.indexOf('\n\n'); i !== -1; i = src.indexOf('\n\n', i + 1)) if (i + 2 < src.length && /\S/.test(src[i + 2]!)) out.push(i + 2);
  return out;
}
const textOf = (file: string) => (file.endsWith('.ipynb') ? combineNotebook(readFileSync(file, 'utf8')).text : readFileSync(file, 'utf8'));

describe('parsing on two threads', () => {
  test('every cut of every corpus file gives the one-thread tree, or falls back', () => {
    let joined = 0;
    let fellBack = 0;
    for (const file of [...corpusFiles(BUGGY), ...corpusFiles(CLEAN)]) {
      const src = textOf(file);
      const ref = oneThread(src);
      for (const cut of lineStartsAfterEmptyLine(src)) {
        const split = parseSplitAt(src, cut);
        if (!split) {
          fellBack++;
          continue;
        }
        joined++;
        assert.equal(dump(split, src), dump(ref, src), `${file} cut at offset ${cut}`);
      }
    }
    // most cuts in real scripts are at definitions and statements: they must be joined
    assert.ok(joined > 100, `joined ${joined}, fell back ${fellBack}`);
  });

  test('a cut inside a triple-quoted string falls back (the first part has an unclosed string)', () => {
    const src = 'import torch\n\nDOC = """\nusage:\n\ndef not_code(x):\n    return x\n"""\n\ndef real(x):\n    return torch.log(x)\n';
    const cut = src.indexOf('def not_code');
    assert.equal(cutPoint(src, 5), cut, 'the heuristic does pick the line inside the string');
    assert.equal(parseSplitAt(src, cut), null);
    assert.notEqual(parseSplitAt(src, src.indexOf('def real')), null);
  });

  test('a cut between a decorator and its function falls back; the heuristic does not pick it', () => {
    const src = 'import torch\n\n@torch.no_grad()\n\ndef evaluate(model, x):\n    return model(x)\n\n\ndef other():\n    pass\n';
    assert.equal(parseSplitAt(src, src.indexOf('def evaluate')), null);
    assert.equal(cutPoint(src, 1), src.indexOf('@'));
    assert.equal(cutPoint(src, src.indexOf('@') + 1), src.indexOf('def other'));
  });

  test('a syntax error in the second part falls back; the lint result is the one-thread result', () => {
    const head = 'import torch\n\n\ndef f(x):\n    return torch.log(x)\n\n\n';
    const src = `${head}def g(x:\n    return x\n`;
    assert.equal(parseSplitAt(src, head.length), null);
    setParallelParse(true, 0);
    try {
      const doc = new LintDocument(src);
      assert.equal(doc.parsedInParallel, false);
      assert.equal(doc.hasSyntaxError, true);
      doc.dispose();
    } finally {
      setParallelParse(true);
    }
  });

  test('offsets stay UTF-16 offsets into the whole file across the cut (non-ASCII, CRLF)', () => {
    const src = '# é — ✓ 😀\r\nimport torch\r\n\r\ndef f(x):  # ü\r\n    s = "ß😀"\r\n    return torch.log(x)\r\n\r\ndef g(y):\r\n    return f"{y} 😀 ✓"\r\n';
    const cut = cutPoint(src, 10);
    assert.equal(cut, src.indexOf('def f'));
    const split = parseSplitAt(src, src.indexOf('def g'));
    assert.ok(split);
    assert.equal(dump(split, src), dump(oneThread(src), src));
  });

  test('a large file: LintDocument uses two threads, gives the one-thread findings, and edits reparse', () => {
    let src = 'import glob\nimport os\nimport torch\nimport torch.nn.functional as F\n\n';
    for (let i = 0; src.length < MIN_PARALLEL_CHARS * 1.5; i++) {
      src += `\ndef load_${i}(root):\n    files = glob.glob(os.path.join(root, "*.png"))  # unsorted\n    labels = [f.split("/")[-2] for f in files]\n    return list(zip(files, labels))\n\n`;
      src += `\n@torch.no_grad()\ndef score_${i}(model, x, y):\n    p = F.softmax(model(x), dim=1)\n    return F.cross_entropy(p, y)\n\n`;
    }
    const expected = JSON.stringify(lintSource(src, undefined, undefined));
    const doc = new LintDocument(src);
    assert.equal(doc.parsedInParallel, true);
    const found = doc.lint();
    assert.ok(found.length > 100);
    assert.equal(JSON.stringify(found), expected, 'same findings as parsing on one thread');
    setParallelParse(false);
    try {
      const one = new LintDocument(src);
      assert.equal(one.parsedInParallel, false);
      assert.equal(JSON.stringify(one.lint()), expected);
      one.dispose();
    } finally {
      setParallelParse(true);
    }
    // edits re-parse the statements they touch
    const line = (offset: number) => doc.text.slice(0, offset).split('\n').length - 1;
    const at = doc.text.indexOf('F.softmax(model(x), dim=1)');
    const fixedLine = line(at) + 1; // the cross_entropy call below it
    doc.applyEdit(at, at + 'F.softmax('.length, '(');
    const comma = doc.text.indexOf(', dim=1)', at);
    doc.applyEdit(comma, comma + ', dim=1'.length, '');
    assert.equal(doc.text.slice(at, at + 11), '(model(x))\n');
    const after = doc.lint();
    setParallelParse(false);
    try {
      assert.equal(JSON.stringify(after), JSON.stringify(lintSource(doc.text)));
    } finally {
      setParallelParse(true);
    }
    assert.ok(found.some((f) => f.code === 'ML002' && f.range.start.line === fixedLine));
    assert.ok(!after.some((f) => f.code === 'ML002' && f.range.start.line === fixedLine), 'the edited loss is no longer reported');
    assert.equal(after.length, found.length - 1);
    doc.dispose();
  });

  test('a helper slower than the wait limit is stopped: the caller gets null after about a second', () => {
    const head = 'import torch\n\n\n';
    // about 5 MB after the cut: seconds of parsing on the helper, nothing before it here
    const src = head + 'def f(x):\n    return torch.log(x)\n\n\n'.repeat(150_000);
    const t = performance.now();
    assert.equal(parseSplitAt(src, head.length), null);
    const waited = performance.now() - t;
    assert.ok(waited >= 1000 && waited < 2500, `gave up after ${waited.toFixed(0)} ms`);
    assert.equal(parseHelperReady(), false, 'the helper was stopped');
    startParseHelper();
    assert.ok(parseHelperReady(20_000), 'a new helper starts');
  });

  test('without the helper thread, files are parsed on one thread', () => {
    stopParseHelper();
    try {
      const src = `import torch\nimport torch.nn.functional as F\n${'\ndef f(model, x, y):\n    return F.cross_entropy(F.softmax(model(x), dim=1), y)\n\n'.repeat(1000)}`;
      assert.ok(src.length > MIN_PARALLEL_CHARS);
      assert.equal(parseInParallel(src), null);
      const doc = new LintDocument(src);
      assert.equal(doc.parsedInParallel, false);
      assert.equal(doc.lint().filter((f) => f.code === 'ML002').length, 1000);
      doc.dispose();
    } finally {
      startParseHelper();
      assert.ok(parseHelperReady(20_000));
    }
  });
});
