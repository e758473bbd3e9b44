export interface DataGridColumn {
  title: string;
  /** A CSS grid track size, e.g. "2fr" or "80px". */
  width: string;
  align?: 'start' | 'end';
}

export interface DataGridHandle {
  readonly element: HTMLElement;
  /** Rows of cell texts (textContent) plus per-row data attributes. */
  setRows(rows: { cells: string[]; data?: Record<string, string> }[]): void;
}

/** `<vscode-data-grid>` built from explicit rows; every cell is text. */
export function dataGrid(opts: { id: string; ariaLabel: string; columns: DataGridColumn[] }): DataGridHandle {
  const el = document.createElement('vscode-data-grid');
  el.id = opts.id;
  el.setAttribute('aria-label', opts.ariaLabel);
  el.setAttribute('generate-header', 'none');
  el.setAttribute('grid-template-columns', opts.columns.map((c) => c.width).join(' '));
  const row = (cells: string[], header: boolean, data?: Record<string, string>) => {
    const r = document.createElement('vscode-data-grid-row');
    if (header) r.setAttribute('row-type', 'sticky-header');
    if (data) for (const [k, v] of Object.entries(data)) r.dataset[k] = v;
    cells.forEach((text, i) => {
      const c = document.createElement('vscode-data-grid-cell');
      c.setAttribute('grid-column', String(i + 1));
      if (header) c.setAttribute('cell-type', 'columnheader');
      if (opts.columns[i]?.align === 'end') c.classList.add('num');
      c.textContent = text;
      r.appendChild(c);
    });
    return r;
  };
  return {
    element: el,
    setRows(rows) {
      el.replaceChildren(row(opts.columns.map((c) => c.title), true), ...rows.map((r) => row(r.cells, false, r.data)));
    },
  };
}
