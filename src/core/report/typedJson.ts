/**
 * Typed arrays inside a JSON document, as `{"$typed": "Float64Array", "base64": "…"}` (the
 * array's bytes, little-endian as on every platform that runs the panel). The standalone HTML
 * report carries the packed ranked lists this way: 100,000 items per list were 110 MB of JSON
 * for the page to parse; as base64 they are about half the size and decode in one pass.
 * Shared by the engine (writes) and the webview (reads): no Node or DOM imports.
 */

const TYPES = {
  Float64Array,
  Float32Array,
  Uint32Array,
  Int32Array,
  Uint8Array,
} as const;
type TypedName = keyof typeof TYPES;
type Typed = InstanceType<(typeof TYPES)[TypedName]>;

export interface TypedJsonIo {
  toBase64(bytes: Uint8Array): string;
  fromBase64(text: string): Uint8Array;
}

function typedName(v: unknown): TypedName | null {
  for (const name of Object.keys(TYPES) as TypedName[]) if (v instanceof TYPES[name]) return name;
  return null;
}

/** A copy of `v` in which every typed array is replaced by its base64 form. */
export function toTypedJson(v: unknown, io: Pick<TypedJsonIo, 'toBase64'>): unknown {
  const name = typedName(v);
  if (name) {
    const t = v as Typed;
    return { $typed: name, base64: io.toBase64(new Uint8Array(t.buffer, t.byteOffset, t.byteLength)) };
  }
  if (Array.isArray(v)) return v.map((x) => toTypedJson(x, io));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toTypedJson(x, io);
    return out;
  }
  return v;
}

/** The inverse of toTypedJson. Throws on a `$typed` entry it cannot read (bad type or length). */
export function fromTypedJson(v: unknown, io: Pick<TypedJsonIo, 'fromBase64'>): unknown {
  if (Array.isArray(v)) return v.map((x) => fromTypedJson(x, io));
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (typeof o.$typed === 'string') {
    if (!Object.prototype.hasOwnProperty.call(TYPES, o.$typed) || typeof o.base64 !== 'string') throw new Error(`bad typed array entry (${String(o.$typed).slice(0, 40)})`);
    const Ctor = TYPES[o.$typed as TypedName];
    const bytes = io.fromBase64(o.base64);
    if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) throw new Error(`${o.$typed}: ${bytes.byteLength} bytes is not a whole number of elements`);
    // a fresh, aligned buffer: the decoder's may be shared or offset
    const aligned = bytes.byteOffset % Ctor.BYTES_PER_ELEMENT === 0 ? bytes : bytes.slice();
    return new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / Ctor.BYTES_PER_ELEMENT);
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = fromTypedJson(x, io);
  return out;
}

/** Base64 to bytes: the platform's Uint8Array.fromBase64 (2025+), else atob. Throws on text that is not base64. */
export function decodeBase64(text: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (native) return native(text);
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
