export function progressRing(label: string): HTMLElement {
  const el = document.createElement('vscode-progress-ring');
  el.setAttribute('aria-label', label);
  return el;
}

export function badge(text: string): HTMLElement {
  const el = document.createElement('vscode-badge');
  el.textContent = text;
  return el;
}

export function divider(): HTMLElement {
  return document.createElement('vscode-divider');
}
