/**
 * Sequential byte readers over a file, raw or gzipped, that hand out exactly the bytes asked
 * for. Used by the IDX reader so that a 784 MB file is read in ~1 MB pieces, never whole.
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

export interface ByteReader {
  /** Resolves with exactly `n` bytes, or fewer only when the data ends first. */
  read(n: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** True when the file starts with the gzip magic bytes 1f 8b (whatever its name says). */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** Reads a plain file with positioned fd reads. */
export async function fileReader(path: string, startAt = 0): Promise<ByteReader & { handle: FileHandle }> {
  const handle = await open(path, 'r');
  let position = startAt;
  return {
    handle,
    async read(n: number) {
      const buf = Buffer.allocUnsafe(n);
      let got = 0;
      while (got < n) {
        const { bytesRead } = await handle.read(buf, got, n - got, position);
        if (bytesRead === 0) break;
        got += bytesRead;
        position += bytesRead;
      }
      return got === n ? buf : buf.subarray(0, got);
    },
    close: () => handle.close(),
  };
}

/**
 * Reads the decompressed bytes of a gzip file as a stream. zlib errors (such as
 * "unexpected end of file" for a cut-off download) reject `read`.
 */
export function gunzipReader(path: string): ByteReader {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const gunzip = createGunzip({ chunkSize: 1 << 16 });
  file.on('error', (e) => gunzip.destroy(e));
  file.pipe(gunzip);
  const it = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pending: Buffer[] = [];
  let buffered = 0;
  let done = false;
  return {
    async read(n: number) {
      while (buffered < n && !done) {
        const r = await it.next();
        if (r.done) done = true;
        else {
          pending.push(r.value);
          buffered += r.value.length;
        }
      }
      const all = pending.length === 1 ? pending[0] : Buffer.concat(pending, buffered);
      const out = all.subarray(0, Math.min(n, buffered));
      const rest = all.subarray(out.length);
      pending = rest.length ? [rest] : [];
      buffered = rest.length;
      return out;
    },
    async close() {
      file.destroy();
      gunzip.destroy();
    },
  };
}
