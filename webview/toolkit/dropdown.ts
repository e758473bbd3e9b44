export interface DropdownOption {
  value: string;
  label: string;
}

export interface DropdownHandle {
  readonly element: HTMLElement;
  value: string;
  setOptions(options: DropdownOption[], value: string): void;
}

interface SelectLike extends HTMLElement {
  value: string;
}

/** `<vscode-dropdown>` with `<vscode-option>`s; option labels via textContent. */
export function dropdown(opts: { id: string; ariaLabel: string; options: DropdownOption[]; value: string; onChange(value: string): void }): DropdownHandle {
  const el = document.createElement('vscode-dropdown') as SelectLike;
  el.id = opts.id;
  el.setAttribute('aria-label', opts.ariaLabel);
  el.setAttribute('position', 'below');
  let current = opts.value;
  const fill = (options: DropdownOption[], value: string) => {
    el.replaceChildren();
    for (const o of options) {
      const opt = document.createElement('vscode-option');
      opt.setAttribute('value', o.value);
      opt.textContent = o.label;
      if (o.value === value) opt.setAttribute('selected', '');
      el.appendChild(opt);
    }
    current = value;
    el.value = value;
  };
  fill(opts.options, opts.value);
  el.addEventListener('change', (ev) => {
    if (ev.target !== el) return;
    if (el.value === current) return;
    current = el.value;
    opts.onChange(el.value);
  });
  return {
    element: el,
    get value() {
      return el.value;
    },
    set value(v: string) {
      current = v;
      el.value = v;
    },
    setOptions: fill,
  };
}
