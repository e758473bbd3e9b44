/** Shared bits of the data-reader tests: fixture paths, collecting samples, asserting UserErrors. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isUserError, type UserErrorCode } from '../../../src/core/errors';
import type { Dataset, Sample } from '../../../src/core/data/types';

export const REPO = resolve(__dirname, '../../..');
/** Made by test/fixtures/data-readers/make_fixtures.py (numpy, Pillow, gzip). */
export const FIX = join(REPO, 'test/fixtures/data-readers');
/** The project's shared fixture data (scripts/fixtures/make_fixtures.py). */
export const SHARED = join(REPO, 'test/fixtures/data');
export const FMNIST = '/usr/share/datasets/fashion-mnist';

export interface ExpectedImage { width: number; height: number; channels: number; pixels: number[]; tolerance: number; note: string }
export interface ExpectedArrays { examples: number[][]; labels: (number | string)[]; shape?: number[]; dtype?: string; rows?: number; cols?: number; note?: string }
export const expected: {
  npy: Record<string, ExpectedArrays>;
  npz: Record<string, ExpectedArrays>;
  idx: Record<string, ExpectedArrays>;
  images: Record<string, ExpectedImage>;
} = JSON.parse(readFileSync(join(FIX, 'expected.json'), 'utf8'));

export async function collect(ds: Dataset, limit = Infinity): Promise<Sample[]> {
  const out: Sample[] = [];
  for await (const s of ds.samples()) {
    out.push(s);
    if (out.length >= limit) break;
  }
  return out;
}

/** Asserts that `p` rejects with a one-line UserError whose message matches every pattern. */
export async function rejectsUserError(p: Promise<unknown>, patterns: (RegExp | string)[], code?: UserErrorCode): Promise<void> {
  try {
    await p;
  } catch (e) {
    assert.ok(isUserError(e), `expected a UserError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    assert.ok(!e.message.includes('\n'), `message should be one line: ${e.message}`);
    for (const pat of patterns) {
      if (typeof pat === 'string') assert.ok(e.message.includes(pat), `message ${JSON.stringify(e.message)} should include ${JSON.stringify(pat)}`);
      else assert.match(e.message, pat);
    }
    if (code) assert.equal(e.code, code, `code of: ${e.message}`);
    return;
  }
  assert.fail(`expected a UserError matching ${patterns.join(', ')}, but it resolved`);
}

/** Largest |a[i] - b[i]|; fails when lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `ml-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
