/** Writers for malformed inputs the tests need (the readers are tested against numpy-made files). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `ml-${prefix}-`));

/** A .npy v1 file; `descr` like '<f4', '|u1', '<i8', or '|O' for an object array. */
export function writeNpy(path: string, descr: string, shape: number[], body: Uint8Array): void {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header = header.padEnd(header.length + ((64 - (total % 64)) % 64), ' ') + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

export const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);
export const i64 = (values: number[]) => new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer);
