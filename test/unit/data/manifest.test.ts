import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openManifest, resolveInside } from '../../../src/core/data/manifest';
import { collect, expected, FIX, rejectsUserError, SHARED, tempDir } from './helpers';

describe('manifest', () => {
  let dir = '';
  let cleanup = () => {};
  before(() => {
    ({ dir, cleanup } = tempDir('manifest'));
    mkdirSync(join(dir, 'img', 'sub'), { recursive: true });
    copyFileSync(join(FIX, 'images', 'grey.png'), join(dir, 'img', 'a.png'));
    copyFileSync(join(FIX, 'images', 'rgb.png'), join(dir, 'img', 'sub', 'b.png'));
    copyFileSync(join(FIX, 'images', 'rgb.bmp'), join(dir, 'c.bmp'));
  });
  after(() => cleanup());
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  test('CSV: rows in order, labels as given, paths relative to the manifest folder', async () => {
    const file = write('m.csv', 'path,label,split\nimg/a.png,cat,train\nimg/sub/b.png,3,test\n"c.bmp","dog, big",test\nimg\\sub\\b.png,cat,train\n');
    const ds = await openManifest(file);
    assert.equal(ds.kind, 'manifest');
    assert.equal(ds.root, file);
    assert.equal(ds.classes, undefined);
    assert.equal(ds.size, 4);
    assert.deepEqual(ds.labelNames, ['cat', '3', 'dog, big']);
    assert.deepEqual(ds.splits, ['train', 'test']);
    const samples = await collect(ds);
    assert.deepEqual(samples.map((s) => [s.index, s.source, s.label]), [[0, 'img/a.png', 'cat'], [1, 'img/sub/b.png', '3'], [2, 'c.bmp', 'dog, big'], [3, 'img/sub/b.png', 'cat']]);
    assert.deepEqual(Array.from(samples[0].image!.data), expected.images['grey.png'].pixels);
    assert.deepEqual(Array.from(samples[2].image!.data), expected.images['rgb.bmp'].pixels);
  });

  test('CSV: split filter; index counts the kept rows; labelNames cover every split', async () => {
    const file = write('s.csv', 'label,path,split,extra\ncat,img/a.png,train,x\ndog,img/sub/b.png,test,y\nbird,c.bmp,test,z\n');
    const ds = await openManifest(file, { split: 'test' });
    const samples = await collect(ds);
    assert.deepEqual(samples.map((s) => [s.index, s.source, s.label]), [[0, 'img/sub/b.png', 'dog'], [1, 'c.bmp', 'bird']]);
    assert.deepEqual(ds.labelNames, ['cat', 'dog', 'bird']);
  });

  test('JSONL: integer and string labels kept as given; blank lines skipped', async () => {
    const file = write('m.jsonl', '{"path": "img/a.png", "label": 2}\n\n{"path": "img/sub/b.png", "label": "cat", "split": "val"}\r\n');
    const ds = await openManifest(file);
    const samples = await collect(ds);
    assert.deepEqual(samples.map((s) => [s.source, s.label]), [['img/a.png', 2], ['img/sub/b.png', 'cat']]);
    assert.deepEqual(ds.labelNames, ['2', 'cat']);
  });

  test('a listed file that is missing becomes an error sample', async () => {
    const samples = await collect(await openManifest(write('missing.csv', 'path,label\nimg/a.png,x\nimg/nope.png,y\nc.bmp,z\n')));
    assert.equal(samples[1].error, 'img/nope.png: file not found');
    assert.ok(samples[0].image && samples[2].image);
  });

  describe('paths outside the manifest folder are refused, naming the line and path', () => {
    test('../x.png', () => rejectsUserError(openManifest(write('o1.csv', 'path,label\nimg/a.png,a\n../x.png,b\n')), ['o1.csv: line 3: path "../x.png" resolves outside the manifest\'s folder']));
    test('a/../../x.png', () => rejectsUserError(openManifest(write('o2.jsonl', '{"path":"img/../../x.png","label":1}\n')), ['o2.jsonl: line 1: path "img/../../x.png" resolves outside']));
    test('absolute path', () => rejectsUserError(openManifest(write('o3.csv', 'path,label\n/etc/passwd,a\n')), ['o3.csv: line 2: path "/etc/passwd" is absolute']));
    test('Windows absolute path', () => rejectsUserError(openManifest(write('o4.csv', 'path,label\nC:\\data\\x.png,a\n')), ['o4.csv: line 2: path "C:\\data\\x.png" is absolute']));
    test('inside after normalising is fine', () => {
      assert.equal(resolveInside('/m', 'a/../b.png', 'w'), '/m/b.png');
      assert.throws(() => resolveInside('/m', '..\\b.png', 'w'), /resolves outside/);
      assert.throws(() => resolveInside('/m', '.', 'w'), /resolves outside/);
    });
  });

  describe('malformed manifests name the file and line', () => {
    test('CSV row with a missing column', () =>
      rejectsUserError(openManifest(write('bad1.csv', 'path,label\nimg/a.png,a\nimg/sub/b.png\n')), [/^bad1\.csv: malformed CSV: .*line 3/]));
    test('CSV header without a label column', () =>
      rejectsUserError(openManifest(write('bad2.csv', 'file,class\nimg/a.png,a\n')), ["bad2.csv: line 1: the header has no 'path' or 'label' column (columns: file, class)"]));
    test('CSV row with an empty label', () => rejectsUserError(openManifest(write('bad3.csv', 'path,label\nimg/a.png,\n')), ['bad3.csv: line 2: empty label for "img/a.png"']));
    test('CSV unterminated quote', () => rejectsUserError(openManifest(write('bad4.csv', 'path,label\n"img/a.png,a\n')), [/^bad4\.csv: malformed CSV: /]));
    test('bad JSON on line 2', () =>
      rejectsUserError(openManifest(write('bad.jsonl', '{"path":"img/a.png","label":"a"}\n{"path": "img/a.png", label: 1}\n')), [/^bad\.jsonl: line 2: bad JSON \(/]));
    test('JSONL without a label', () => rejectsUserError(openManifest(write('nolabel.jsonl', '{"path":"img/a.png"}\n')), ['nolabel.jsonl: line 1: "label" must be a class name or an integer index, got nothing']));
    test('JSONL with a float label', () => rejectsUserError(openManifest(write('flt.jsonl', '{"path":"img/a.png","label":1.5}\n')), ['flt.jsonl: line 1: "label" must be', 'got 1.5']));
    test('JSONL line that is not an object', () => rejectsUserError(openManifest(write('arr.jsonl', '["img/a.png", 1]\n')), ['arr.jsonl: line 1: expected a JSON object']));
    test('JSONL without a path', () => rejectsUserError(openManifest(write('nopath.jsonl', '{"label":1}\n')), ['nopath.jsonl: line 1: missing or empty "path"']));
  });

  describe('empty manifests', () => {
    test('header only', () => rejectsUserError(openManifest(write('e1.csv', 'path,label\n')), ['e1.csv: has no rows'], 'empty-dataset'));
    test('empty file', () => rejectsUserError(openManifest(write('e2.csv', '')), ['e2.csv: is empty'], 'empty-dataset'));
    test('empty JSONL', () => rejectsUserError(openManifest(write('e3.jsonl', '\n')), ['e3.jsonl: has no rows'], 'empty-dataset'));
    test('no rows in the split', () =>
      rejectsUserError(openManifest(write('e4.csv', 'path,label,split\nimg/a.png,a,train\n'), { split: 'tset' }), ["e4.csv: no rows with split 'tset' (splits in the file: train)"], 'empty-dataset'));
    test('split asked of a manifest without a split column', () =>
      rejectsUserError(openManifest(write('e5.csv', 'path,label\nimg/a.png,a\n'), { split: 'test' }), ["e5.csv: has no 'split' column"]));
  });
});

describe('manifest: the shared fixture (test/fixtures/data/manifest.*)', () => {
  for (const ext of ['csv', 'jsonl']) {
    const file = join(SHARED, `manifest.${ext}`);
    test(ext, { skip: !existsSync(file) && 'test/fixtures/data not generated' }, async () => {
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      const rows = ext === 'csv' ? lines.slice(1).map((l) => l.split(',')) : lines.map((l) => Object.values(JSON.parse(l)) as string[]);
      const test_ = rows.filter((r) => r[2] === 'test');
      const ds = await openManifest(file, { split: 'test' });
      assert.equal(ds.size, test_.length);
      const samples = await collect(ds);
      assert.deepEqual(samples.map((s) => [s.source, s.label]), test_.map((r) => [r[0], r[1]]));
      assert.ok(samples.every((s) => s.image && s.image.width === 28 && s.image.channels === 1));
    });
  }
});
