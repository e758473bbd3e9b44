/** The panel's persisted view state (PanelViewState): defaults and a defensive reader (DOM-free). */
import type { PanelViewState } from '../../src/core/protocol';

export function defaultViewState(): PanelViewState {
  return {
    tab: 'mistakes',
    sort: 'mistakes',
    filter: { label: null, predicted: null, minConfidence: 0, maxConfidence: 1 },
    scrollTop: 0,
    selected: null,
  };
}

const unit = (v: unknown, d: number): number => (typeof v === 'number' && v >= 0 && v <= 1 ? v : d);

/** Whatever getState() returned (possibly from an older build), as a valid PanelViewState. */
export function readViewState(saved: unknown): PanelViewState {
  const d = defaultViewState();
  if (typeof saved !== 'object' || saved === null) return d;
  const s = saved as Record<string, unknown>;
  const f = (typeof s.filter === 'object' && s.filter !== null ? s.filter : {}) as Record<string, unknown>;
  return {
    tab: s.tab === 'metrics' || s.tab === 'diagnostics' ? s.tab : 'mistakes',
    sort: s.sort === 'hardest' || s.sort === 'labelIssues' ? s.sort : 'mistakes',
    filter: {
      label: typeof f.label === 'string' ? f.label : null,
      predicted: typeof f.predicted === 'string' ? f.predicted : null,
      minConfidence: unit(f.minConfidence, 0),
      maxConfidence: unit(f.maxConfidence, 1),
    },
    scrollTop: typeof s.scrollTop === 'number' && s.scrollTop >= 0 ? s.scrollTop : 0,
    selected: typeof s.selected === 'number' && Number.isInteger(s.selected) ? s.selected : null,
  };
}
