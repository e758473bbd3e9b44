/**
 * The corpus is the ground truth: every `# expect: MLxxx` marker in test/fixtures/lint/buggy is
 * found on its line with that code and nothing else is reported there; the clean corpus (real
 * training scripts in the usual styles) produces no finding at all, of any severity.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { initLint, lintNotebook, lintSource } from '../../../src/core/lint/index';
import { ALL_RULES, docsAnchor } from '../../../src/core/lint/meta';
import { BUGGY, CLEAN, corpusFiles, expectedMarkers, findingKeys, REPO } from './helpers';

const lint = (file: string) => {
  const text = readFileSync(file, 'utf8');
  return file.endsWith('.ipynb') ? lintNotebook(text) : lintSource(text);
};

before(async () => {
  await initLint();
});

describe('clean corpus: no findings', () => {
  const files = corpusFiles(CLEAN);
  test('has at least 10 scripts in several styles, notebooks included', () => {
    assert.ok(files.length >= 10, `${files.length} files`);
    assert.ok(files.some((f) => f.endsWith('.ipynb')));
  });
  for (const file of files) {
    test(basename(file), () => {
      const findings = lint(file);
      assert.deepEqual(
        findings.map((f) => `${f.range.start.line + 1}:${f.code} ${f.message}`),
        [],
      );
    });
  }
});

describe('buggy corpus: every planted bug at its line, nothing else', () => {
  const files = corpusFiles(BUGGY);
  for (const file of files) {
    test(basename(file), () => {
      const expected = expectedMarkers(file);
      assert.ok(expected.length > 0, 'a buggy fixture needs # expect: markers');
      assert.deepEqual(findingKeys(lint(file)), expected);
    });
  }
  test('every rule is exercised by at least one planted bug', () => {
    const planted = new Set(files.flatMap((f) => expectedMarkers(f).map((k) => k.split(':').pop()!)));
    assert.deepEqual(ALL_RULES.map((r) => r.code).filter((c) => !planted.has(c)), []);
  });
  test('docs/lint-rules.md has a section for every rule, at the anchor the editor links to', () => {
    const doc = readFileSync(join(REPO, 'docs/lint-rules.md'), 'utf8');
    for (const r of ALL_RULES) {
      assert.ok(doc.includes(`## ${r.code} ${r.rule}`), `section for ${r.code}`);
      assert.ok(doc.includes(`(#${docsAnchor(r)})`), `table link for ${r.code}`);
      const section = doc.slice(doc.indexOf(`## ${r.code} ${r.rule}`)).split('\n## ')[0]!;
      assert.match(section, new RegExp(`\\*\\*Severity:\\*\\* ${r.severity}\\.`), `severity of ${r.code}`);
    }
  });

  test('messages name the values involved', () => {
    const f = lint(files.find((x) => x.endsWith('labels_out_of_order.py'))!);
    assert.match(f[0]!.message, /glob\.glob\(\).*`features`.*`labels`/);
    const s = lint(files.find((x) => x.endsWith('softmax_into_cross_entropy.py'))!);
    assert.ok(s.some((x) => /`probs` is a softmax output .*F\.softmax\(logits, dim=1\).*F\.cross_entropy/.test(x.message)));
  });
});
