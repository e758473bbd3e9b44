/** Model outputs -> class probabilities (softmax only when the model gives logits). */
import type { Tensor } from 'onnxruntime-node';
import { UserError } from '../errors';
import type { OutputKind } from '../protocol';

/** A tensor's values as float32 (the type every analysis works in); non-numeric tensors are refused. */
export function toFloat32(t: Tensor, name: string): Float32Array {
  const d = t.data;
  if (d instanceof Float32Array) return d;
  if (d instanceof Float64Array || d instanceof Int32Array || d instanceof Uint8Array || d instanceof Int8Array || d instanceof Uint16Array || d instanceof Int16Array) return Float32Array.from(d);
  if (d instanceof BigInt64Array) return Float32Array.from(d, Number);
  throw new UserError(`model value '${name}' has type ${t.type}; expected numbers`, 'incompatible');
}

/** Rows all in [0,1] and summing to 1: the model already applied a softmax. */
export function looksLikeProbabilities(values: Float32Array, rows: number, cols: number): boolean {
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const v = values[r * cols + c];
      if (!Number.isFinite(v)) continue;
      if (v < 0 || v > 1) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-3 && Number.isFinite(sum)) return false;
  }
  return true;
}

/**
 * Writes probabilities for `rows` examples into a new array of rows*numClasses. A row whose
 * outputs hold NaN or Inf becomes all-NaN, so the analyses count it as non-finite rather
 * than ranking it.
 */
export function toProbabilities(values: Float32Array, rows: number, cols: number, kind: OutputKind, sigmoidApplied: boolean): Float32Array {
  const k = kind === 'sigmoid' ? 2 : cols;
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) {
    const src = r * cols;
    const dst = r * k;
    let finite = true;
    for (let c = 0; c < cols; c++) if (!Number.isFinite(values[src + c])) finite = false;
    if (!finite) {
      out.fill(NaN, dst, dst + k);
      continue;
    }
    if (kind === 'sigmoid') {
      const z = values[src];
      const p = sigmoidApplied ? z : 1 / (1 + Math.exp(-z));
      out[dst] = 1 - p;
      out[dst + 1] = p;
    } else if (kind === 'probabilities') {
      for (let c = 0; c < cols; c++) out[dst + c] = values[src + c];
    } else {
      let max = -Infinity;
      for (let c = 0; c < cols; c++) max = Math.max(max, values[src + c]);
      let sum = 0;
      for (let c = 0; c < cols; c++) {
        const e = Math.exp(values[src + c] - max);
        out[dst + c] = e;
        sum += e;
      }
      for (let c = 0; c < cols; c++) out[dst + c] /= sum;
    }
  }
  return out;
}
