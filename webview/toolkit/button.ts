import { applyProps, type Props } from '../dom/h';

export interface ButtonOptions extends Props {
  appearance?: 'primary' | 'secondary' | 'icon';
  onClick?: (ev: MouseEvent) => void;
}

/** `<vscode-button>`; its label is text (textContent), never markup. */
export function button(label: string, opts: ButtonOptions = {}): HTMLElement {
  const el = document.createElement('vscode-button');
  el.setAttribute('appearance', opts.appearance ?? 'primary');
  applyProps(el, opts);
  el.textContent = label;
  if (opts.onClick) el.addEventListener('click', opts.onClick);
  return el;
}
