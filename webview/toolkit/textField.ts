export interface TextFieldHandle {
  readonly element: HTMLElement;
  value: string;
  /** Mark the field as holding a value it could not use. */
  setInvalid(invalid: boolean, message?: string): void;
}

interface InputLike extends HTMLElement {
  value: string;
}

/** `<vscode-text-field>`; `onChange` fires on Enter / blur (the `change` event). */
export function textField(opts: { id: string; label: string; placeholder?: string; value: string; size?: number; onChange(value: string): void }): TextFieldHandle {
  const el = document.createElement('vscode-text-field') as InputLike;
  el.id = opts.id;
  el.setAttribute('aria-label', opts.label);
  if (opts.placeholder) el.setAttribute('placeholder', opts.placeholder);
  if (opts.size) el.setAttribute('size', String(opts.size));
  el.setAttribute('value', opts.value);
  el.value = opts.value;
  el.addEventListener('change', (ev) => {
    if (ev.target === el) opts.onChange(el.value);
  });
  return {
    element: el,
    get value() {
      return el.value;
    },
    set value(v: string) {
      el.value = v;
    },
    setInvalid(invalid, message) {
      el.classList.toggle('invalid', invalid);
      if (invalid && message) el.title = message;
      else el.removeAttribute('title');
      el.setAttribute('aria-invalid', String(invalid));
    },
  };
}
