/** What every dataset reader yields. Readers stream: nothing here holds the whole dataset. */

/** Pixels as decoded, interleaved HWC. uint8 for files, float32 when an array held floats. */
export interface RawImage {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array | Float32Array;
}

/** A numeric array example from .npy/.npz whose shape is not an image (e.g. a feature vector). */
export interface RawTensor {
  shape: number[];
  data: Uint8Array | Float32Array | Float64Array | BigInt64Array | Int32Array;
}

export interface Sample {
  /** Position in the dataset's own order (stable across runs). */
  index: number;
  /** Where the example came from: a path relative to the dataset root, or e.g. `x[12]`. */
  source: string;
  /** Class index, or a class name still to be resolved against the class list; null if unlabelled. */
  label: number | string | null;
  /** Exactly one of image / tensor / error is set. */
  image?: RawImage;
  tensor?: RawTensor;
  /** Set when the file could not be read or decoded: the run counts and lists it and goes on. */
  error?: string;
}

export type DatasetKind = 'image-folder' | 'manifest' | 'idx' | 'npy' | 'npz';

export interface Dataset {
  readonly kind: DatasetKind;
  /** Folder or file the user pointed at (absolute). */
  readonly root: string;
  /** Class names the data itself defines (folder names), if any. */
  readonly classes: string[] | undefined;
  /** Number of examples, when known without reading them all. */
  readonly size: number | undefined;
  /** Yields examples in order. `split`, when the format has one, filters rows (manifest). */
  samples(): AsyncIterable<Sample>;
}
