/** Confusion-matrix cell -> grid filter, and the persisted view state. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cellAt, rowShare, viewForConfusionCell } from '../../../webview/metrics/confusion';
import { defaultViewState, readViewState } from '../../../webview/state/viewState';

const classes = ['cat', 'dog', '<img src=x onerror=alert(1)>'];

describe('viewForConfusionCell', () => {
  it('an off-diagonal cell shows that pair among the mistakes, on the Mistakes tab', () => {
    const current = { ...defaultViewState(), tab: 'metrics' as const, sort: 'labelIssues' as const, scrollTop: 900, selected: 4, filter: { label: null, predicted: null, minConfidence: 0.5, maxConfidence: 0.8 } };
    const v = viewForConfusionCell(classes, 0, 2, current);
    assert.deepEqual(v, {
      tab: 'mistakes', sort: 'mistakes', scrollTop: 0, selected: null,
      filter: { label: 'cat', predicted: '<img src=x onerror=alert(1)>', minConfidence: 0, maxConfidence: 1 },
    });
  });
  it('a diagonal cell (correct answers) uses the hardest-examples list', () => {
    assert.equal(viewForConfusionCell(classes, 1, 1, defaultViewState()).sort, 'hardest');
  });
  it('refuses cells outside the matrix', () => {
    assert.throws(() => viewForConfusionCell(classes, 3, 0, defaultViewState()), RangeError);
  });
});

describe('rowShare / cellAt', () => {
  const m = [[8, 2, 0], [0, 0, 0], [1, 1, 2]];
  it('is the share of the true-class row', () => {
    assert.equal(rowShare(m, 0, 0), 0.8);
    assert.equal(rowShare(m, 2, 2), 0.5);
    assert.equal(rowShare(m, 1, 1), 0, 'empty row');
  });
  it('maps canvas points to cells', () => {
    assert.deepEqual(cellAt(0, 0, 8, 3), { row: 0, col: 0 });
    assert.deepEqual(cellAt(17, 9, 8, 3), { row: 1, col: 2 });
    assert.equal(cellAt(24, 0, 8, 3), null);
    assert.equal(cellAt(-1, 0, 8, 3), null);
  });
});

describe('readViewState', () => {
  it('defaults for nothing or junk', () => {
    assert.deepEqual(readViewState(undefined), defaultViewState());
    assert.deepEqual(readViewState('x'), defaultViewState());
    assert.deepEqual(readViewState({ tab: 'settings', sort: 'random', filter: { minConfidence: 7 }, scrollTop: -3, selected: 1.5 }), defaultViewState());
  });
  it('keeps a valid saved state as it was', () => {
    const s = { tab: 'metrics' as const, sort: 'labelIssues' as const, filter: { label: 'cat', predicted: null, minConfidence: 0.2, maxConfidence: 0.9 }, scrollTop: 1234, selected: 17 };
    assert.deepEqual(readViewState(JSON.parse(JSON.stringify(s))), s);
  });
});
