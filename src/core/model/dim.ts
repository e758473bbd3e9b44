/** One axis of a tensor shape: a fixed size, a symbolic name, or unknown. Node-free, so the webview can type-check what uses it. */
export type Dim = number | string | null;
