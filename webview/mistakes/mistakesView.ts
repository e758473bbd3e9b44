/**
 * The Mistakes tab: sort + filter toolbar, the virtualized grid of cards, and the detail view.
 *
 * DOM hooks: `#sort`, `#filter-label`, `#filter-predicted`, `#filter-min`, `#filter-max`,
 * `#filter-clear`, `#result-count`, `#grid` (the scroller; cards are `.card[data-id]`), `#grid-empty`.
 */
import type { PackedLists, PanelViewState, RankedExample, ReportSummary } from '../../src/core/protocol';
import { rankedAt } from '../../src/core/report/packed';
import { h } from '../dom/h';
import { int, pct } from '../format';
import type { ExampleLoader } from '../grid/exampleLoader';
import type { ImageState } from '../grid/card';
import {
  SORT_MODES, filterItems, isFilterActive, itemsForSort, normalizeRange, parseConfidenceInput,
  ItemList, type GridItem, type SortMode, type ViewFilter,
} from '../grid/items';
import { VirtualGrid } from '../grid/virtualGrid';
import { button, dropdown, textField, type DropdownHandle, type DropdownOption, type TextFieldHandle } from '../toolkit';
import { DetailView } from './detailView';

const ANY = '-1';

const sameFilter = (a: ViewFilter, b: ViewFilter): boolean =>
  a.label === b.label && a.predicted === b.predicted && a.minConfidence === b.minConfidence && a.maxConfidence === b.maxConfidence;

const NOUN: Record<SortMode, string> = { mistakes: 'mistakes', hardest: 'examples', labelIssues: 'likely label errors' };

export interface MistakesViewOptions {
  /** null in the standalone report: no images, a placeholder with the source name instead. */
  loader: ExampleLoader | null;
  onStateChange(patch: Partial<PanelViewState>): void;
  onOpenFile(id: number, how: 'open' | 'reveal'): void;
}

export class MistakesView {
  readonly element: HTMLElement;
  private readonly grid: VirtualGrid;
  private readonly detail: DetailView;
  private readonly sort: DropdownHandle;
  private readonly labelFilter: DropdownHandle;
  private readonly predictedFilter: DropdownHandle;
  private readonly minField: TextFieldHandle;
  private readonly maxField: TextFieldHandle;
  private readonly clearButton: HTMLElement;
  private readonly count: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly labelCaption: HTMLElement;
  private readonly predictedCaption: HTMLElement;
  private readonly rangeCaption: HTMLElement;
  private report: ReportSummary | null = null;
  private lists: PackedLists | null = null;
  private state: PanelViewState | null = null;
  private cache = new Map<SortMode, ItemList>();
  /** Dataset index -> where its ranked record is; built on first use (a label issue's detail view). */
  private ranked: Map<number, { hardest: boolean; row: number }> | null = null;
  private items: ItemList = ItemList.EMPTY;
  private classes: string[] = [];

  constructor(private readonly opts: MistakesViewOptions) {
    const loader = opts.loader;
    const imageFor = (item: GridItem): ImageState => {
      if (!loader) return { state: 'standalone' };
      const view = loader.get(item.id);
      return view ? { state: 'loaded', view } : { state: loader.state(item.id), error: loader.error(item.id) };
    };
    this.grid = new VirtualGrid({
      imageFor,
      onVisible: (ids) => loader?.want(ids),
      onOpen: (index) => this.openDetail(index),
      onScroll: (top) => this.opts.onStateChange({ scrollTop: Math.round(top) }),
    });
    this.detail = new DetailView({
      canOpenFiles: loader !== null,
      imageFor,
      rankedFor: (id) => this.rankedFor(id),
      onOpenFile: (id, how) => this.opts.onOpenFile(id, how),
      onNavigate: (delta) => this.step(delta),
      onClose: () => this.closeDetail(),
    });
    loader?.onChange((ids) => {
      this.grid.refreshImages(ids);
      this.detail.refreshImage(ids);
    });

    this.sort = dropdown({
      id: 'sort', ariaLabel: 'Sort by', value: 'mistakes',
      options: SORT_MODES.map((m) => ({ value: m.value, label: m.label })),
      onChange: (v) => this.opts.onStateChange({ sort: v as SortMode, scrollTop: 0, selected: null }),
    });
    this.labelFilter = dropdown({ id: 'filter-label', ariaLabel: 'True class', value: ANY, options: [], onChange: () => this.filterChanged() });
    this.predictedFilter = dropdown({ id: 'filter-predicted', ariaLabel: 'Predicted class', value: ANY, options: [], onChange: () => this.filterChanged() });
    this.minField = textField({ id: 'filter-min', label: 'Minimum confidence', placeholder: '0', value: '', size: 4, onChange: () => this.filterChanged() });
    this.maxField = textField({ id: 'filter-max', label: 'Maximum confidence', placeholder: '1', value: '', size: 4, onChange: () => this.filterChanged() });
    this.labelCaption = h('span', { class: 'field-label', text: 'True class' });
    this.predictedCaption = h('span', { class: 'field-label', text: 'Predicted' });
    this.rangeCaption = h('span', { class: 'field-label', text: 'Confidence' });
    this.clearButton = button('Clear filters', { id: 'filter-clear', appearance: 'secondary', onClick: () => this.clearFilters() });
    this.count = h('span', { id: 'result-count', class: 'result-count', attrs: { 'aria-live': 'polite' } });
    this.empty = h('div', { id: 'grid-empty', class: 'grid-empty', text: 'Waiting for results…' });

    const field = (label: string | HTMLElement, control: HTMLElement) => h('div', { class: 'field' }, typeof label === 'string' ? h('span', { class: 'field-label', text: label }) : label, control);
    const toolbar = h('div', { class: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Sort and filter' } },
      field('Show', this.sort.element),
      field(this.labelCaption, this.labelFilter.element),
      field(this.predictedCaption, this.predictedFilter.element),
      h('div', { class: 'field' }, this.rangeCaption,
        h('div', { class: 'range' }, this.minField.element, h('span', { class: 'range-dash', text: '–' }), this.maxField.element)),
      this.clearButton,
      h('span', { class: 'toolbar-spacer' }),
      this.count);
    this.element = h('div', { class: 'mistakes' }, toolbar, h('div', { class: 'grid-wrap' }, this.grid.element, this.empty), this.detail.element);
    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && this.detail.isOpen) this.closeDetail();
    });
  }

  setReport(report: ReportSummary, lists: PackedLists): void {
    const first = this.report === null;
    this.report = report;
    this.lists = lists;
    this.cache.clear();
    this.ranked = null;
    if (first || this.classes.length !== report.classes.length || this.classes.some((c, i) => c !== report.classes[i])) {
      this.classes = report.classes.slice();
      const options: DropdownOption[] = [{ value: ANY, label: 'Any' }, ...this.classes.map((c, i) => ({ value: String(i), label: c }))];
      this.labelFilter.setOptions(options, this.classValue(this.state?.filter.label ?? null));
      this.predictedFilter.setOptions(options, this.classValue(this.state?.filter.predicted ?? null));
    }
    if (this.state) this.apply(this.state, { reportChanged: true, restoreScroll: first });
  }

  /** Show this state (restored, or changed by the toolbar / a confusion-matrix click). */
  applyState(state: PanelViewState): void {
    this.apply(state, { reportChanged: false, restoreScroll: false });
  }

  private apply(state: PanelViewState, how: { reportChanged: boolean; restoreScroll: boolean }): void {
    const prev = this.state;
    this.state = state;
    this.syncControls(state);
    if (!this.report) return;

    const listChanged = how.reportChanged || !prev || prev.sort !== state.sort || !sameFilter(prev.filter, state.filter);
    if (listChanged) {
      const all = this.itemsFor(state.sort);
      this.items = filterItems(all, state.filter);
      // A new partial report keeps the reader where they are; a new sort or filter starts at the top.
      this.grid.setItems(this.items, how.reportChanged && !how.restoreScroll ? null : state.scrollTop);
      this.renderCount(all.length);
      this.renderEmpty(all.length);
    }
    if (listChanged || prev?.selected !== state.selected) this.syncDetail(state.selected);
  }

  private syncControls(state: PanelViewState): void {
    if (this.sort.value !== state.sort) this.sort.value = state.sort;
    const lv = this.classValue(state.filter.label);
    const pv = this.classValue(state.filter.predicted);
    if (this.labelFilter.value !== lv) this.labelFilter.value = lv;
    if (this.predictedFilter.value !== pv) this.predictedFilter.value = pv;
    const minText = state.filter.minConfidence > 0 ? String(state.filter.minConfidence) : '';
    const maxText = state.filter.maxConfidence < 1 ? String(state.filter.maxConfidence) : '';
    if (parseConfidenceInput(this.minField.value, 0) !== state.filter.minConfidence) this.minField.value = minText;
    if (parseConfidenceInput(this.maxField.value, 1) !== state.filter.maxConfidence) this.maxField.value = maxText;
    this.clearButton.hidden = !isFilterActive(state.filter);
    const issues = state.sort === 'labelIssues';
    this.labelCaption.textContent = issues ? 'Given label' : 'True class';
    this.predictedCaption.textContent = issues ? 'Likely class' : 'Predicted';
    this.rangeCaption.textContent = issues ? 'Label error score' : 'Confidence';
    this.minField.element.setAttribute('aria-label', issues ? 'Minimum label error score' : 'Minimum confidence');
    this.maxField.element.setAttribute('aria-label', issues ? 'Maximum label error score' : 'Maximum confidence');
  }

  private syncDetail(selected: number | null): void {
    if (selected === null) {
      if (this.detail.isOpen) this.detail.hide();
      return;
    }
    const index = this.items.indexOfId(selected);
    if (index < 0) {
      this.detail.hide();
      return;
    }
    this.opts.loader?.ensure([selected]);
    this.detail.show(this.items.at(index), index, this.items.length);
  }

  private itemsFor(sort: SortMode): ItemList {
    let items = this.cache.get(sort);
    if (!items) {
      items = itemsForSort(this.lists!, sort);
      this.cache.set(sort, items);
    }
    return items;
  }

  private classValue(name: string | null): string {
    if (name === null) return ANY;
    const i = this.classes.indexOf(name);
    return i >= 0 ? String(i) : ANY;
  }

  private className(value: string): string | null {
    const i = Number(value);
    return value !== ANY && Number.isInteger(i) ? this.classes[i] ?? null : null;
  }

  private filterChanged(): void {
    if (!this.state) return;
    const min = parseConfidenceInput(this.minField.value, 0);
    const max = parseConfidenceInput(this.maxField.value, 1);
    this.minField.setInvalid(min === null, 'A confidence: 0.9, 90 or 90%');
    this.maxField.setInvalid(max === null, 'A confidence: 0.9, 90 or 90%');
    const range = normalizeRange(min ?? this.state.filter.minConfidence, max ?? this.state.filter.maxConfidence);
    const filter: ViewFilter = {
      label: this.className(this.labelFilter.value),
      predicted: this.className(this.predictedFilter.value),
      ...range,
    };
    if (!sameFilter(filter, this.state.filter)) this.opts.onStateChange({ filter, scrollTop: 0, selected: null });
  }

  private clearFilters(): void {
    this.opts.onStateChange({ filter: { label: null, predicted: null, minConfidence: 0, maxConfidence: 1 }, scrollTop: 0 });
  }

  private renderCount(total: number): void {
    const noun = NOUN[this.state!.sort];
    const shown = this.items.length;
    this.count.textContent = shown === total ? `${int(total)} ${noun}` : `${int(shown)} of ${int(total)} ${noun}`;
    this.count.dataset.count = String(shown);
  }

  private renderEmpty(total: number): void {
    const r = this.report!;
    let text = '';
    if (this.items.length === 0) {
      if (total > 0) text = 'Nothing matches these filters.';
      else if (this.state!.sort === 'mistakes') text = r.numLabelled === 0 ? 'No labelled examples: mistakes need labels.' : `No mistakes: the model got all ${int(r.numLabelled)} labelled examples right (accuracy ${pct(r.accuracy)}).`;
      else if (this.state!.sort === 'labelIssues') text = 'No likely label errors found.';
      else text = 'No examples.';
    }
    this.empty.hidden = text === '';
    this.empty.textContent = text;
  }

  private openDetail(index: number): void {
    if (index >= 0 && index < this.items.length) this.opts.onStateChange({ selected: this.items.id(index) });
  }

  /** A ranked record for a dataset index (mistakes win over hardest, as both hold the same example). */
  private rankedFor(id: number): RankedExample | undefined {
    const l = this.lists;
    if (!l) return undefined;
    if (!this.ranked) {
      this.ranked = new Map();
      for (let row = 0; row < l.hardest.count; row++) this.ranked.set(l.hardest.index[row]!, { hardest: true, row });
      for (let row = 0; row < l.mistakes.count; row++) this.ranked.set(l.mistakes.index[row]!, { hardest: false, row });
    }
    const at = this.ranked.get(id);
    return at && rankedAt(at.hardest ? l.hardest : l.mistakes, l.names, at.row);
  }

  private step(delta: -1 | 1): void {
    const id = this.detail.currentId;
    if (id === null) return;
    const index = this.items.indexOfId(id) + delta;
    if (index < 0 || index >= this.items.length) return;
    this.grid.reveal(index);
    this.opts.onStateChange({ selected: this.items.id(index) });
  }

  private closeDetail(): void {
    const id = this.detail.currentId;
    this.opts.onStateChange({ selected: null });
    if (id !== null) {
      const index = this.grid.indexOfId(id);
      if (index >= 0) this.grid.focusIndex(index);
    }
  }

}
