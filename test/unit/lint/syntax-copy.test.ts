/**
 * The tree copy reads tree-sitter's cursor straight from the WebAssembly exports (parser.ts,
 * DirectCursor). Reference: the same copy made through web-tree-sitter's public TreeCursor,
 * on every corpus file, a large generated file (the cursor's stack and the heap grow) and
 * after edits (reused top-level statements).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { combineNotebook, initLint } from '../../../src/core/lint/index';
import { pythonParser, setPublicCursorOnly, usesDirectCursor } from '../../../src/core/lint/parser';
import { convertTree, type PyNode, type Syntax } from '../../../src/core/lint/syntax';
import { BUGGY, CLEAN, corpusFiles } from './helpers';

before(async () => {
  await initLint();
});
after(() => setPublicCursorOnly(false));

function shape(n: PyNode): unknown {
  return [n.type, n.start, n.end, n.field, n.op, n.children.map(shape)];
}
const dump = (s: Syntax) => JSON.stringify([shape(s.root), s.comments.map(shape), s.hasError]);

function bothWays(src: string): { direct: string; pub: string } {
  const tree = pythonParser().parse(src)!;
  try {
    setPublicCursorOnly(false);
    const direct = dump(convertTree(tree, src));
    assert.ok(usesDirectCursor(), 'the direct cursor passed its self-check and is used');
    setPublicCursorOnly(true);
    const pub = dump(convertTree(tree, src));
    assert.ok(!usesDirectCursor());
    return { direct, pub };
  } finally {
    setPublicCursorOnly(false);
    tree.delete();
  }
}

const textOf = (file: string) => (file.endsWith('.ipynb') ? combineNotebook(readFileSync(file, 'utf8')).text : readFileSync(file, 'utf8'));

describe('tree copy through the direct cursor', () => {
  for (const file of [...corpusFiles(BUGGY), ...corpusFiles(CLEAN)]) {
    test(`same tree as the public cursor: ${file.split('/').slice(-2).join('/')}`, () => {
      const { direct, pub } = bothWays(textOf(file));
      assert.ok(pub.length > 100);
      assert.equal(direct, pub);
    });
  }

  test('same tree on a 6,000-line file with deep nesting and a syntax error', () => {
    let src = '';
    for (let i = 0; i < 400; i++) {
      src += `def f${i}(a, b=${i}, *c, **d):\n    if a and not b or c is None:\n        x = [[y * 2 for y in z if y] for z in a]\n`;
      src += `        for k, (u, v) in enumerate(zip(a, b)):\n            x[k:v] += -u ** 2 / (v @ k) if u > 1 else (lambda q: q)(u)\n`;
      src += '    ' + '('.repeat(12) + 'a' + ')'.repeat(12) + '  # deep\n';
      src += `    return {k: v for k, v in d.items()} | {"s": x}\n\n`;
      src += `class C${i}(B, metaclass=M):\n    @property\n    def p(self) -> int:\n        return self.p\n\n`;
      src += `with open(f"{i}") as fh, g() as (u, v):\n    pass\n\n\n`;
    }
    src += 'def broken(:\n    return\n';
    const { direct, pub } = bothWays(src);
    assert.ok(src.split('\n').length > 6000);
    assert.equal(direct, pub);
    assert.ok(direct.endsWith('true]'), 'the syntax error is reported');
  });
});
