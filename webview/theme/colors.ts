/**
 * Colours come from VS Code's theme variables only (read from computed style), so charts and
 * heat maps follow light, dark and high-contrast themes; `onThemeChange` re-reads them.
 */

export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

let probe: CanvasRenderingContext2D | null = null;

/** `color` with alpha `a` as rgba() (the canvas normalizes any CSS colour for us). */
export function withAlpha(color: string, a: number): string {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe) return color;
  probe.fillStyle = '#000';
  probe.fillStyle = color;
  const norm = String(probe.fillStyle);
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(norm);
  if (hex) return `rgba(${parseInt(hex[1]!, 16)}, ${parseInt(hex[2]!, 16)}, ${parseInt(hex[3]!, 16)}, ${a})`;
  const rgba = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(norm);
  return rgba ? `rgba(${rgba[1]}, ${rgba[2]}, ${rgba[3]}, ${a})` : color;
}

export interface ThemeColors {
  foreground: string;
  muted: string;
  lines: string;
  background: string;
  blue: string;
  red: string;
  green: string;
  yellow: string;
  orange: string;
  purple: string;
  font: string;
  highContrast: boolean;
}

export function themeColors(): ThemeColors {
  const foreground = cssVar('--vscode-charts-foreground', cssVar('--vscode-foreground', '#cccccc'));
  const hc = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  return {
    foreground,
    muted: cssVar('--vscode-descriptionForeground', foreground),
    lines: cssVar('--vscode-charts-lines', withAlpha(foreground, 0.25)),
    background: cssVar('--vscode-editor-background', '#1e1e1e'),
    blue: cssVar('--vscode-charts-blue', '#3794ff'),
    red: cssVar('--vscode-charts-red', '#f14c4c'),
    green: cssVar('--vscode-charts-green', '#89d185'),
    yellow: cssVar('--vscode-charts-yellow', '#cca700'),
    orange: cssVar('--vscode-charts-orange', '#d18616'),
    purple: cssVar('--vscode-charts-purple', '#b180d7'),
    font: cssVar('--vscode-font-family', 'system-ui, sans-serif'),
    highContrast: hc,
  };
}

/** Distinct series colours: the six chart colours, then the same with dashes (see `seriesDash`). */
export function seriesColor(t: ThemeColors, i: number): string {
  const base = [t.blue, t.red, t.green, t.yellow, t.purple, t.orange];
  return base[i % base.length]!;
}

export function seriesDash(i: number): number[] {
  const dashes = [[], [6, 3], [2, 2], [8, 3, 2, 3]];
  return dashes[Math.floor(i / 6) % dashes.length]!;
}

/** Calls `cb` when VS Code switches theme (body class / html style change) or the OS scheme flips. */
export function onThemeChange(cb: () => void): void {
  let pending = false;
  const fire = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      cb();
    });
  };
  const mo = new MutationObserver(fire);
  mo.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', fire);
}
