/**
 * The panel's transport for the ranked lists (PackedLists): packed by the engine, carried as typed
 * arrays, checked and read back row by row in the webview. The round trip must give back exactly
 * the Report's lists; malformed columns must be refused with the list, column and row named.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deserialize, serialize } from 'node:v8';
import type { LabelIssue, PackedLists, RankedExample, Report } from '../../../src/core/protocol';
import { checkPackedLists, issueAt, packLists, packReport, rankedAt, reportMessage, sourceOf, unpackReport } from '../../../src/core/report/packed';
import { parseHostMessage } from '../../../webview/protocol/validate';
import { filterItems, itemsForSort, NO_FILTER } from '../../../webview/grid/items';

const classes = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

function ranked(index: number, source: string, label: string, predicted: string, top: { class: string; p: number }[]): RankedExample {
  const pLabel = top.find((t) => t.class === label)?.p ?? 1e-9;
  return { index, source, label, predicted, confidence: top[0]!.p, pLabel, loss: -Math.log(pLabel), margin: pLabel - top[0]!.p, top };
}
function issue(index: number, source: string, label: string, suggested: string, score: number): LabelIssue {
  return { index, source, label, suggested, score, pLabel: 1 - score, pSuggested: score * 0.9 };
}

function report(): Report {
  return {
    version: 1, tool: { name: 'mistake-lens', version: '0.1.0' }, createdAt: '2026-01-01T00:00:00.000Z',
    model: { path: '/m/model.onnx', inputName: 'input', outputName: 'logits', outputKind: 'logits', opset: 17 },
    data: { path: '/d', kind: 'image-folder', preprocess: { layout: 'NCHW', channels: 1, height: 28, width: 28, scale: 'unit' } },
    executionProvider: 'cpu', executionProviderNotes: [], classes, numExamples: 5, numLabelled: 5, accuracy: 0.4,
    mistakes: [
      // Non-ASCII paths (UTF-8 of 2, 3 and 4 bytes), a class name the model does not list, top-k of different lengths.
      ranked(3, 'Shirt/ümlaut-猫-🐈.png', 'Shirt', 'T-shirt/top', [{ class: 'T-shirt/top', p: 0.91 }, { class: 'Shirt', p: 0.05 }, { class: 'Coat', p: 0.01 }]),
      ranked(0, 'Coat/0.png', 'Coat', 'Pullover', [{ class: 'Pullover', p: 0.7 }, { class: 'Coat', p: 0.2 }]),
      ranked(4, '', 'unknown class', 'Bag', [{ class: 'Bag', p: 0.6 }]),
    ],
    hardest: [
      ranked(4, '', 'unknown class', 'Bag', [{ class: 'Bag', p: 0.6 }]),
      ranked(3, 'Shirt/ümlaut-猫-🐈.png', 'Shirt', 'T-shirt/top', [{ class: 'T-shirt/top', p: 0.91 }, { class: 'Shirt', p: 0.05 }]),
    ],
    labelIssueRanking: 'self-confidence',
    labelIssues: [issue(3, 'Shirt/ümlaut-猫-🐈.png', 'Shirt', 'T-shirt/top', 0.95)],
    estimatedLabelErrors: 1, confusion: classes.map(() => classes.map(() => 0)), perClass: [], macro: { precision: 0, recall: 0, f1: 0 },
    micro: { precision: 0, recall: 0, f1: 0 }, ece: 0.1, reliability: [], prCurves: [],
    coverage: { points: [], targetAccuracy: 0.95, coverageAtTarget: 0, thresholdAtTarget: null },
    histograms: { loss: { edges: [0, 1], counts: [5] }, confidence: { edges: [0, 1], counts: [5] } },
    labelPermutation: { suspected: false, accuracy: 0.4, accuracyAfter: 0.4, mapping: [], message: '' },
    skipped: [], numSkipped: 0, nonFinite: { count: 0, examples: [] }, timing: { seconds: 1, examplesPerSecond: 5 },
  };
}

describe('packed lists: round trip', () => {
  it('gives back the Report, field for field and in the same field order', () => {
    const r = report();
    const back = unpackReport(packReport(r));
    assert.deepEqual(back, r);
    assert.deepEqual(Object.keys(back), Object.keys(r));
    assert.equal(JSON.stringify(back), JSON.stringify(r), 'the CLI JSON is byte for byte the same');
  });

  it('keeps the report classes as the first names and appends other names once', () => {
    const l = packReport(report()).lists;
    assert.deepEqual(l.names, [...classes, 'unknown class']);
    assert.equal(l.mistakes.label[2], classes.length);
    assert.equal(l.hardest.label[0], classes.length);
  });

  it('survives a structured clone (postMessage, v8.serialize) and reads single rows', () => {
    const r = report();
    const l = deserialize(serialize(packReport(r).lists)) as PackedLists;
    assert.equal(checkPackedLists(l), l);
    assert.deepEqual(rankedAt(l.mistakes, l.names, 0), r.mistakes[0]);
    assert.deepEqual(rankedAt(l.hardest, l.names, 1), r.hardest[1]);
    assert.deepEqual(issueAt(l.labelIssues, l.names, 0), r.labelIssues[0]);
    assert.equal(sourceOf(l, 0), 'Coat/0.png');
    assert.equal(sourceOf(l, 3), 'Shirt/ümlaut-猫-🐈.png');
    assert.equal(sourceOf(l, 99), undefined);
  });

  it('packs 100,000 ranked rows into typed arrays and reads any row back exactly', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => ranked(i * 7, `images-idx3-ubyte[${i * 7}]`, classes[i % 10]!, classes[(i + 3) % 10]!,
      [{ class: classes[(i + 3) % 10]!, p: 1 - i / 1e6 }, { class: classes[i % 10]!, p: i / 1e6 }]));
    const l = packLists({ mistakes: many, hardest: [], labelIssues: [] }, classes);
    assert.equal(l.mistakes.count, 100_000);
    assert.ok(l.mistakes.confidence instanceof Float64Array && l.mistakes.topP.length === 200_000);
    for (const i of [0, 1, 4_999, 77_777, 99_999]) assert.deepEqual(rankedAt(l.mistakes, l.names, i), many[i]);
  });

  it('the report message carries the summary without lists and the lists in columns', () => {
    const m = reportMessage(packReport(report()), true);
    assert.equal(m.type, 'report');
    if (m.type !== 'report') return;
    assert.equal('mistakes' in m.report, false);
    assert.equal(m.lists.mistakes.count, 3);
    const parsed = parseHostMessage(deserialize(serialize(m)));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.reason);
  });
});

describe('packed lists: malformed input is refused, the place named', () => {
  const fresh = () => deserialize(serialize(packReport(report()).lists)) as PackedLists;
  const refuses = (mutate: (l: PackedLists) => void, message: RegExp) => {
    const l = fresh();
    mutate(l);
    assert.throws(() => checkPackedLists(l), message);
    const parsed = parseHostMessage({ ...reportMessage({ report: packReport(report()).report, lists: l }, false) });
    assert.equal(parsed.ok, false);
    if (!parsed.ok) assert.match(parsed.reason, message);
  };

  it('not an object, names not strings', () => {
    assert.throws(() => checkPackedLists(null), /^Error: lists: not an object/);
    refuses((l) => { (l as { names: unknown }).names = ['a', 3]; }, /lists\.names: not an array of strings/);
  });
  it('a column of the wrong type or length', () => {
    refuses((l) => { (l.mistakes as { confidence: unknown }).confidence = [0.9, 0.7, 0.6]; }, /lists\.mistakes\.confidence: not a Float64Array/);
    refuses((l) => { l.hardest.pLabel = new Float64Array(1); }, /lists\.hardest\.pLabel: 1 values for 2/);
    refuses((l) => { l.labelIssues.count = 2; }, /lists\.labelIssues\.index: 1 values for 2/);
    refuses((l) => { (l.mistakes as { count: unknown }).count = -1; }, /lists\.mistakes\.count: -1 is not a row count/);
  });
  it('a class code with no name, with its row', () => {
    refuses((l) => { l.hardest.label[1] = 99; }, /lists\.hardest\.label\[1\]: class code 99 but there are 11 names/);
    refuses((l) => { l.mistakes.topClass[4] = 11; }, /lists\.mistakes\.topClass\[4\]: class code 11/);
    refuses((l) => { l.labelIssues.suggested[0] = 1e6; }, /lists\.labelIssues\.suggested\[0\]/);
  });
  it('offsets out of order or not ending at the data', () => {
    refuses((l) => { l.mistakes.source.offsets[2] = 1; }, /lists\.mistakes\.source\.offsets\[2\]: 1 is before/);
    refuses((l) => { l.mistakes.source.utf8 = l.mistakes.source.utf8.slice(0, 3); }, /lists\.mistakes\.source\.offsets\[3\]: \d+, not the end \(3\)/);
    refuses((l) => { l.hardest.topOffsets[2] = 9; }, /lists\.hardest\.topOffsets\[2\]: 9, not the end \(3\)/);
  });
});

describe('the grid over packed lists: sorting, filtering, positions', () => {
  const r = report();
  const l = packReport(r).lists;

  it('sorts an out-of-order list by its key without touching the columns, and finds ids', () => {
    // mistakes by confidence: 0.91 (id 3), 0.7 (id 0), 0.6 (id 4) — already in order.
    const m = itemsForSort(l, 'mistakes');
    assert.deepEqual(Array.from({ length: m.length }, (_, i) => m.id(i)), [3, 0, 4]);
    // hardest by p(label) ascending: id 4 (1e-9) before id 3 (0.05), as given; reversed, it is sorted back.
    const h = itemsForSort(l, 'hardest');
    assert.deepEqual(Array.from({ length: h.length }, (_, i) => h.id(i)), [4, 3]);
    const reversed = packLists({ ...r, hardest: [...r.hardest].reverse() }, classes);
    const h2 = itemsForSort(reversed, 'hardest');
    assert.deepEqual(Array.from({ length: h2.length }, (_, i) => h2.id(i)), [4, 3]);
    assert.equal(h2.indexOfId(3), 1);
    assert.equal(h2.indexOfId(42), -1);
    assert.equal(h2.at(1).source, 'Shirt/ümlaut-猫-🐈.png');
  });

  it('makes each row once: the same object for the same row', () => {
    const m = itemsForSort(l, 'mistakes');
    const first = m.at(0);
    assert.equal(m.at(0), first);
    assert.ok(first.kind === 'ranked');
    assert.deepEqual(first.example, r.mistakes[0]);
  });

  it('filters on columns; positions map to the right rows', () => {
    const m = itemsForSort(l, 'mistakes');
    const f = filterItems(m, { ...NO_FILTER, minConfidence: 0.65 });
    assert.deepEqual(Array.from({ length: f.length }, (_, i) => f.at(i).id), [3, 0]);
    const byName = filterItems(m, { ...NO_FILTER, label: 'unknown class' });
    assert.deepEqual([byName.length, byName.at(0).id], [1, 4]);
    const issues = filterItems(itemsForSort(l, 'labelIssues'), { ...NO_FILTER, predicted: 'T-shirt/top', minConfidence: 0.9 });
    assert.deepEqual([issues.length, issues.at(0).kind, issues.at(0).confidence], [1, 'labelIssue', 0.95]);
    assert.equal(filterItems(m, NO_FILTER), m, 'no filter: the same list, nothing copied');
  });
});
