export interface TabSpec {
  /** Tab element id is `tab-${key}`, its view `view-${key}`. */
  key: string;
  label: string;
  view: HTMLElement[];
}

export interface TabsHandle {
  readonly element: HTMLElement;
  readonly active: string;
  activate(key: string): void;
  /** The element that holds a tab's content. */
  viewOf(key: string): HTMLElement;
}

interface PanelsLike extends HTMLElement {
  activeid: string;
}

/** `<vscode-panels>` with one `<vscode-panel-tab>` + `<vscode-panel-view>` per tab. */
export function tabs(opts: { id: string; tabs: TabSpec[]; active: string; onChange(key: string): void }): TabsHandle {
  const el = document.createElement('vscode-panels') as PanelsLike;
  el.id = opts.id;
  const views = new Map<string, HTMLElement>();
  for (const t of opts.tabs) {
    const tab = document.createElement('vscode-panel-tab');
    tab.id = `tab-${t.key}`;
    tab.dataset.tab = t.key;
    tab.textContent = t.label;
    el.appendChild(tab);
  }
  for (const t of opts.tabs) {
    const view = document.createElement('vscode-panel-view');
    view.id = `view-${t.key}`;
    view.dataset.tab = t.key;
    view.append(...t.view);
    views.set(t.key, view);
    el.appendChild(view);
  }
  let active = opts.active;
  el.setAttribute('activeid', `tab-${active}`);
  el.addEventListener('change', (ev) => {
    if (ev.target !== el) return; // changes bubbling up from controls inside the views
    const key = (el.activeid ?? '').replace(/^tab-/, '');
    if (!key || key === active || !views.has(key)) return;
    active = key;
    opts.onChange(key);
  });
  return {
    element: el,
    get active() {
      return active;
    },
    activate(key) {
      if (!views.has(key)) return;
      active = key;
      el.activeid = `tab-${key}`;
      el.setAttribute('activeid', `tab-${key}`);
    },
    viewOf(key) {
      const v = views.get(key);
      if (!v) throw new Error(`no tab ${key}`);
      return v;
    },
  };
}
