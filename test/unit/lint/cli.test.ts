/** The CLI face: runLint prints the documented JSON, a readable list, and returns the documented exit codes. */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runLint } from '../../../src/cli/lint';
import { initLint, LintDocument, lintSource } from '../../../src/core/lint/index';
import { ML016 } from '../../../src/core/lint/meta';
import { RULE_FAMILIES } from '../../../src/core/lint/registry';
import { BUGGY, CLEAN, corpusFiles } from './helpers';

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runLint(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join(''), err: err.join('') };
}

const dir = mkdtempSync(join(tmpdir(), 'ml-lint-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('mistake-lens lint', () => {
  test('--json: version, files, findings with 1-based positions and every documented field', async () => {
    const r = await capture([join(BUGGY, 'wrong_loss_inputs.py'), '--json']);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.out);
    assert.equal(j.version, 1);
    assert.equal(j.files, 1);
    assert.deepEqual(j.errors, []);
    const first = j.findings[0];
    assert.deepEqual(Object.keys(first).filter((k) => k !== 'fix').sort(), ['code', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'rule', 'severity']);
    assert.deepEqual([first.file, first.line, first.column, first.code, first.severity, first.rule], [join(BUGGY, 'wrong_loss_inputs.py'), 37, 13, 'ML003', 'warning', 'nll-loss-input']);
    assert.deepEqual([first.endLine, first.endColumn], [37, 19]);
  });

  test('human output: file:line:col severity CODE message, then a summary', async () => {
    const r = await capture([join(BUGGY, 'keras_logits.py')]);
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n');
    assert.match(lines[0]!, /keras_logits\.py:10:99 error ML002 `probs_model` ends in softmax/);
    assert.equal(lines.at(-1), '3 problems (2 errors, 1 warning, 0 information) in 1 file.');
  });

  test('a clean folder exits 0; notebooks are found and reported by cell', async () => {
    const clean = await capture([CLEAN]);
    assert.equal(clean.code, 0);
    assert.match(clean.out, new RegExp(`No problems found in ${corpusFiles(CLEAN).length} files\\.`));
    const nb = await capture([join(BUGGY, 'leaf_notebook.ipynb'), '--json']);
    const j = JSON.parse(nb.out);
    assert.deepEqual(j.findings.map((f: { cell: number; line: number; code: string }) => [f.cell, f.line, f.code]), [[2, 1, 'ML001'], [6, 8, 'ML002'], [7, 3, 'ML007']]);
    const human = await capture([join(BUGGY, 'leaf_notebook.ipynb')]);
    assert.match(human.out, /leaf_notebook\.ipynb \(cell 3\):1:15 warning ML001/);
  });

  test('information-only findings exit 0; --select and --ignore', async () => {
    const p = join(dir, 'info.py');
    writeFileSync(p, 'import torch\nv = torch.log(1 + x)\n');
    const r = await capture([p]);
    assert.equal(r.code, 0);
    assert.match(r.out, /info\.py:2:5 information ML016/);
    const sel = await capture([join(BUGGY, 'wrong_loss_inputs.py'), '--json', '--select', 'ML004,ml005']);
    assert.deepEqual([...new Set(JSON.parse(sel.out).findings.map((f: { code: string }) => f.code))], ['ML004', 'ML005']);
    const ign = await capture([join(BUGGY, 'wrong_loss_inputs.py'), '--ignore', 'ML003,ML004,ML005']);
    assert.equal(ign.code, 0);
  });

  test('an unreadable file: one line naming it on stderr, exit 1, the others still linted', async () => {
    const missing = join(dir, 'missing.py');
    const r = await capture([missing, join(CLEAN, 'dcgan.py'), '--json']);
    assert.equal(r.code, 1);
    assert.equal(r.err, `mistake-lens: cannot lint ${missing}: no such file or folder\n`);
    const j = JSON.parse(r.out);
    assert.equal(j.files, 1);
    assert.deepEqual(j.errors, [{ file: missing, message: 'no such file or folder' }]);
    if (process.getuid?.() !== 0) {
      const locked = join(dir, 'locked.py');
      writeFileSync(locked, 'x = 1\n');
      chmodSync(locked, 0o000);
      const l = await capture([locked]);
      assert.match(l.err, /cannot lint .*locked\.py: permission denied/);
    }
    const bad = join(dir, 'bad.ipynb');
    writeFileSync(bad, '{oops');
    const b = await capture([bad]);
    assert.equal(b.code, 1);
    assert.match(b.err, /^mistake-lens: cannot lint .*bad\.ipynb: not a valid notebook \(JSON\)/);
  });

  test('usage errors exit 2 with a hint; --help exits 0', async () => {
    for (const argv of [[], ['--frobnicate', 'x.py'], ['--select', 'ML999', 'x.py']]) {
      const r = await capture(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.err, /mistake-lens: .*\nRun 'mistake-lens lint --help' for usage\.\n$/);
    }
    const h = await capture(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.out, /Usage: mistake-lens lint <file-or-dir>…/);
  });

  test('a Python file with syntax errors is still linted (tree-sitter recovers)', async () => {
    const p = join(dir, 'broken.py');
    writeFileSync(p, 'import glob\nfiles = glob.glob("a/*")\ndef oops(:\n    pass\npairs = zip(files, load_labels())\n');
    const r = await capture([p, '--json']);
    assert.equal(JSON.parse(r.out).files, 1);
  });
});

describe('a rule that fails internally', () => {
  test('does not hide the other rules: the editor API reports it, lintSource throws, the CLI lists it and exits 1', async () => {
    await initLint();
    const families = RULE_FAMILIES as unknown as { name: string; emits: unknown[]; run(): void }[];
    families.push({ name: 'boom', emits: [ML016], run: () => { throw new Error('kaboom'); } });
    try {
      const src = 'import torch.nn.functional as F\nloss = F.cross_entropy(F.softmax(z, dim=1), y)\n';
      const doc = new LintDocument(src);
      assert.deepEqual(doc.lint().map((f) => f.code), ['ML002']);
      assert.match(doc.errors[0]!, /internal error in lint rules 'boom' \(ML016\): kaboom/);
      doc.dispose();
      assert.throws(() => lintSource(src), /kaboom/);
      const p = join(dir, 'boom.py');
      writeFileSync(p, src);
      const r = await capture([p, '--json']);
      const j = JSON.parse(r.out);
      assert.equal(r.code, 1);
      assert.deepEqual(j.findings.map((f: { code: string }) => f.code), ['ML002']);
      assert.match(j.errors[0].message, /kaboom/);
    } finally {
      families.pop();
    }
  });
});
