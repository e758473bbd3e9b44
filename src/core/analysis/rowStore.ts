/**
 * Compact per-example records for labelled rows with finite outputs: the only per-example
 * state the analysis keeps. Each row costs 4 (index) + 4 (p(label)) + (k+e)*4 (top-k and
 * extra-candidate probs) + (1+k+e) * 1..4 bytes (label and classes, in the narrowest integer
 * type that fits C). The full N x C probability matrix is never kept.
 *
 * Columns live in fixed-size chunks rather than one array that doubles: growing never
 * copies, and unused capacity is at most one chunk (a doubling array can hold ~2x N).
 */

export type ClassArray = Uint8Array | Uint16Array | Int32Array;

const CHUNK_SHIFT = 13;
/** Rows per chunk. */
export const CHUNK_ROWS = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_ROWS - 1;

interface Chunk {
  index: Int32Array;
  label: ClassArray;
  pLabel: Float32Array;
  /** k classes per row, by probability descending, class index ascending on ties. */
  topClass: ClassArray;
  /** The matching probabilities. */
  topProb: Float32Array;
  /** e classes outside the top-k kept for confident learning (see accumulator.ts). */
  extraClass: ClassArray;
  extraProb: Float32Array;
}

function classArray(numClasses: number, length: number): ClassArray {
  if (numClasses <= 256) return new Uint8Array(length);
  if (numClasses <= 65536) return new Uint16Array(length);
  return new Int32Array(length);
}

export class RowStore {
  private readonly chunks: Chunk[] = [];
  private readonly sources: string[] = [];
  private n = 0;

  constructor(
    readonly numClasses: number,
    /** Classes kept per row, by probability. */
    readonly k: number,
    /** Extra confident-learning candidates kept per row. */
    readonly e: number,
  ) {}

  get length(): number {
    return this.n;
  }

  /** Bytes held by the typed columns (capacity, not just rows in use); source strings not counted. */
  get byteSize(): number {
    let bytes = 0;
    for (const c of this.chunks) {
      bytes += c.index.byteLength + c.label.byteLength + c.pLabel.byteLength + c.topClass.byteLength + c.topProb.byteLength;
      bytes += c.extraClass.byteLength + c.extraProb.byteLength;
    }
    return bytes;
  }

  push(
    index: number,
    source: string,
    label: number,
    pLabel: number,
    topClass: ArrayLike<number>,
    topProb: ArrayLike<number>,
    extraClass: ArrayLike<number>,
    extraProb: ArrayLike<number>,
  ): void {
    const r = this.n;
    const j = r & CHUNK_MASK;
    if (j === 0) {
      this.chunks.push({
        index: new Int32Array(CHUNK_ROWS),
        label: classArray(this.numClasses, CHUNK_ROWS),
        pLabel: new Float32Array(CHUNK_ROWS),
        topClass: classArray(this.numClasses, CHUNK_ROWS * this.k),
        topProb: new Float32Array(CHUNK_ROWS * this.k),
        extraClass: classArray(this.numClasses, CHUNK_ROWS * this.e),
        extraProb: new Float32Array(CHUNK_ROWS * this.e),
      });
    }
    const c = this.chunks[r >> CHUNK_SHIFT];
    c.index[j] = index;
    c.label[j] = label;
    c.pLabel[j] = pLabel;
    const k = this.k;
    for (let t = 0; t < k; t++) {
      c.topClass[j * k + t] = topClass[t];
      c.topProb[j * k + t] = topProb[t];
    }
    const e = this.e;
    for (let t = 0; t < e; t++) {
      c.extraClass[j * e + t] = extraClass[t];
      c.extraProb[j * e + t] = extraProb[t];
    }
    this.sources.push(source);
    this.n = r + 1;
  }

  index(r: number): number {
    return this.chunks[r >> CHUNK_SHIFT].index[r & CHUNK_MASK];
  }
  source(r: number): string {
    return this.sources[r];
  }
  label(r: number): number {
    return this.chunks[r >> CHUNK_SHIFT].label[r & CHUNK_MASK];
  }
  /** Exact p(label), even when the label is not among the top-k. */
  pLabel(r: number): number {
    return this.chunks[r >> CHUNK_SHIFT].pLabel[r & CHUNK_MASK];
  }
  topClass(r: number, t: number): number {
    return this.chunks[r >> CHUNK_SHIFT].topClass[(r & CHUNK_MASK) * this.k + t];
  }
  topProb(r: number, t: number): number {
    return this.chunks[r >> CHUNK_SHIFT].topProb[(r & CHUNK_MASK) * this.k + t];
  }
  extraClass(r: number, t: number): number {
    return this.chunks[r >> CHUNK_SHIFT].extraClass[(r & CHUNK_MASK) * this.e + t];
  }
  extraProb(r: number, t: number): number {
    return this.chunks[r >> CHUNK_SHIFT].extraProb[(r & CHUNK_MASK) * this.e + t];
  }
  /** argmax class (lowest index on ties, like numpy.argmax). */
  predicted(r: number): number {
    return this.topClass(r, 0);
  }
  /** max probability = p(predicted). */
  confidence(r: number): number {
    return this.topProb(r, 0);
  }
  /** Largest probability among classes other than the label (0 when C = 1). Exact: if the
   *  label is the argmax it is the second of the top-k (k >= 2 whenever C >= 2), else the first. */
  maxOther(r: number): number {
    if (this.topClass(r, 0) !== this.label(r)) return this.topProb(r, 0);
    return this.k >= 2 ? this.topProb(r, 1) : 0;
  }
}
