/** Notebooks: code cells linted together in order, findings mapped to (cell, line), magics blanked. */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { combineNotebook, initLint, lintNotebook, lintNotebookCells } from '../../../src/core/lint/index';

before(async () => {
  await initLint();
});

const nb = (...cells: [string, string | string[]][]) =>
  JSON.stringify({ cells: cells.map(([cell_type, source]) => ({ cell_type, source, metadata: {}, ...(cell_type === 'code' ? { outputs: [], execution_count: null } : {}) })), nbformat: 4, nbformat_minor: 5, metadata: {} });

describe('notebooks', () => {
  const doc = nb(
    ['markdown', '# Title\n'],
    ['code', ['import glob\n', 'import torch.nn.functional as F\n', '%matplotlib inline\n']],
    ['code', 'files = glob.glob("imgs/*.png")\nlabels = read_labels()\n'],
    ['markdown', 'Pair them up.'],
    ['code', '!nvidia-smi\nfor f, l in zip(files, labels):\n    print(f, l)\nloss = F.cross_entropy(F.softmax(z, dim=1), t)\n'],
  );

  test('findings carry the cell index and the line within the cell; definitions in earlier cells are seen', () => {
    const f = lintNotebook(doc);
    assert.deepEqual(
      f.map((x) => [x.cell, x.range.start.line, x.range.start.character, x.code]),
      [
        [2, 0, 8, 'ML001'],
        [4, 3, 23, 'ML002'],
      ],
    );
  });

  test('messages point to other cells as "cell N, line M" (1-based, as notebook UIs count)', () => {
    const f = lintNotebook(doc);
    assert.match(f[0]!.message, /zip\(\), cell 5, line 2/);
    assert.equal(f[0]!.related?.[0]?.cell, 4);
    assert.equal(f[0]!.related?.[0]?.range.start.line, 1);
  });

  test('fix ranges are relative to their cell', () => {
    const f = lintNotebook(doc);
    assert.deepEqual(f[0]!.fix?.range, { start: { line: 0, character: 8 }, end: { line: 0, character: 31 } });
    assert.equal(f[0]!.fix?.newText, 'sorted(glob.glob("imgs/*.png"))');
  });

  test('combineNotebook blanks magics and shell escapes, keeps line counts, and skips non-Python cell magics', () => {
    const c = combineNotebook(nb(['code', '%%bash\nls -la\n'], ['code', '%%time\nx = 1\n!pip install x\n  %time y = 2'], ['markdown', 'x']));
    assert.deepEqual(c.cells, [
      { cell: 0, startLine: 0, lineCount: 3 },
      { cell: 1, startLine: 3, lineCount: 4 },
    ]);
    assert.equal(c.text, '\n\n\n\nx = 1\npass\n  pass');
  });

  test('lintNotebookCells (an editor\'s cells) gives the same findings as the .ipynb', () => {
    const parsed = JSON.parse(doc) as { cells: { cell_type: string; source: string | string[] }[] };
    const cells = parsed.cells
      .map((c, i) => ({ cell: i, type: c.cell_type, source: Array.isArray(c.source) ? c.source.join('') : c.source }))
      .filter((c) => c.type === 'code');
    assert.deepEqual(lintNotebookCells(cells), lintNotebook(doc));
  });

  test('invalid notebooks are reported, not crashed on', () => {
    assert.throws(() => lintNotebook('{not json'), /not a valid notebook/);
    assert.throws(() => lintNotebook('{"nbformat": 4}'), /no "cells" array/);
    assert.deepEqual(lintNotebook(nb(['markdown', 'only text'])), []);
  });
});
