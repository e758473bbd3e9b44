/** Which items the Mistakes grid lists: the three rankings, filters, typed confidences. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LabelIssue, RankedExample, Report } from '../../../src/core/protocol';
import { packLists } from '../../../src/core/report/packed';
import {
  filterItems as filterList, isFilterActive, itemsForSort as sortList, matchesFilter, NO_FILTER, normalizeRange, parseConfidenceInput,
  type GridItem, type ItemList, type SortMode, type ViewFilter,
} from '../../../webview/grid/items';

// The grid reads packed columns; these tests give it lists as the engine writes them and read every row back.
type Lists = Pick<Report, 'mistakes' | 'hardest' | 'labelIssues'>;
const rows = (l: ItemList): GridItem[] => Array.from({ length: l.length }, (_, i) => l.at(i));
const lists = (r: Lists) => packLists(r, ['cat', 'dog', 'bird']);
const itemsForSort = (r: Lists, mode: SortMode) => rows(sortList(lists(r), mode));
const filterAll = (r: Lists, f: ViewFilter) => rows(filterList(sortList(lists(r), 'mistakes'), f));

function ranked(index: number, label: string, predicted: string, confidence: number, pLabel = 1 - confidence): RankedExample {
  return { index, source: `x[${index}]`, label, predicted, confidence, pLabel, loss: -Math.log(pLabel), margin: pLabel - confidence, top: [{ class: predicted, p: confidence }] };
}
function issue(index: number, label: string, suggested: string, score: number, pSuggested: number): LabelIssue {
  return { index, source: `x[${index}]`, label, suggested, score, pLabel: 1 - score, pSuggested };
}

const report = {
  mistakes: [ranked(1, 'cat', 'dog', 0.99), ranked(2, 'dog', 'cat', 0.9), ranked(3, 'cat', 'bird', 0.6), ranked(4, 'bird', 'dog', 0.4)],
  hardest: [ranked(3, 'cat', 'bird', 0.6, 0.01), ranked(1, 'cat', 'dog', 0.99, 0.005)],
  labelIssues: [issue(7, 'cat', 'dog', 0.95, 0.9), issue(8, 'dog', 'bird', 0.8, 0.7)],
};

describe('itemsForSort', () => {
  it('lists each ranking by its own key', () => {
    assert.deepEqual(itemsForSort(report, 'mistakes').map((i) => i.id), [1, 2, 3, 4]);
    // hardest: lowest p(label) first, so the out-of-order input gets sorted
    assert.deepEqual(itemsForSort(report, 'hardest').map((i) => i.id), [1, 3]);
    const issues = itemsForSort(report, 'labelIssues');
    assert.deepEqual(issues.map((i) => i.id), [7, 8]);
    assert.equal(issues[0]!.kind, 'labelIssue');
    assert.equal(issues[0]!.predicted, 'dog', 'a label issue filters on its suggested class');
    assert.equal(issues[0]!.confidence, 0.95, '... and on its label-error score');
  });

  it('keeps the engine order of ties (stable)', () => {
    const tied = { ...report, mistakes: [ranked(5, 'a', 'b', 0.5), ranked(6, 'a', 'b', 0.5), ranked(4, 'a', 'b', 0.7)] };
    assert.deepEqual(itemsForSort(tied, 'mistakes').map((i) => i.id), [4, 5, 6]);
  });
});

describe('filters', () => {
  const all = itemsForSort(report, 'mistakes');
  const filterItems = (_: GridItem[], f: ViewFilter) => filterAll(report, f);
  it('no filter keeps everything', () => {
    assert.equal(isFilterActive(NO_FILTER), false);
    assert.equal(filterItems(all, NO_FILTER).length, 4);
  });
  it('a class the lists never name matches nothing', () => {
    assert.deepEqual(filterItems(all, { ...NO_FILTER, label: 'zebra' }), []);
  });
  it('by true class', () => {
    assert.deepEqual(filterItems(all, { ...NO_FILTER, label: 'cat' }).map((i) => i.id), [1, 3]);
  });
  it('by predicted class', () => {
    assert.deepEqual(filterItems(all, { ...NO_FILTER, predicted: 'dog' }).map((i) => i.id), [1, 4]);
  });
  it('by the pair (a confusion-matrix cell)', () => {
    assert.deepEqual(filterItems(all, { ...NO_FILTER, label: 'cat', predicted: 'dog' }).map((i) => i.id), [1]);
  });
  it('by confidence range, bounds included', () => {
    assert.deepEqual(filterItems(all, { ...NO_FILTER, minConfidence: 0.6, maxConfidence: 0.9 }).map((i) => i.id), [2, 3]);
    assert.equal(matchesFilter(all[0]!, { ...NO_FILTER, maxConfidence: 0.98 }), false);
  });
  it('combines all of them', () => {
    assert.deepEqual(filterItems(all, { label: 'cat', predicted: null, minConfidence: 0.7, maxConfidence: 1 }).map((i) => i.id), [1]);
    assert.deepEqual(filterItems(all, { label: 'bird', predicted: 'cat', minConfidence: 0, maxConfidence: 1 }), []);
  });
  it('filters 100,000 items', () => {
    const many = { ...report, mistakes: Array.from({ length: 100_000 }, (_, i) => ranked(i, i % 2 ? 'cat' : 'dog', 'bird', 1 - i / 100_000)) };
    const f = filterAll(many, { label: 'cat', predicted: 'bird', minConfidence: 0.5, maxConfidence: 1 });
    assert.equal(f.length, 25_000);
    assert.ok(f.every((it) => it.label === 'cat' && it.confidence >= 0.5));
  });
});

describe('parseConfidenceInput / normalizeRange', () => {
  it('reads fractions, percents and empty', () => {
    assert.equal(parseConfidenceInput('0.9', 0), 0.9);
    assert.equal(parseConfidenceInput('90', 0), 0.9);
    assert.equal(parseConfidenceInput(' 90 % ', 0), 0.9);
    assert.equal(parseConfidenceInput('1', 0), 1);
    assert.equal(parseConfidenceInput('', 1), 1);
  });
  it('rejects what is not a confidence', () => {
    for (const bad of ['abc', '-0.1', '101', '150%', 'NaN', '1e9']) assert.equal(parseConfidenceInput(bad, 0), null, bad);
  });
  it('orders and clamps the bounds', () => {
    assert.deepEqual(normalizeRange(0.9, 0.2), { minConfidence: 0.2, maxConfidence: 0.9 });
    assert.deepEqual(normalizeRange(-1, 2), { minConfidence: 0, maxConfidence: 1 });
  });
});
