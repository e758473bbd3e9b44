/** Number formatting shared by the views (DOM-free). */
export const pct = (v: number, digits = 1): string => (Number.isFinite(v) ? `${(v * 100).toFixed(digits)}%` : '–');
export const fixed = (v: number, digits = 3): string => (Number.isFinite(v) ? v.toFixed(digits) : '–');
export const int = (v: number): string => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–');
/** The last path segment of a file path or URI, either separator. */
export const baseName = (p: string): string => p.split(/[\\/]/).filter(Boolean).pop() ?? p;
