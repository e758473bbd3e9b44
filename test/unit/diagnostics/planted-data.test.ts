/**
 * Every planted data problem is found, exactly (no more, no less), in both layouts the
 * fixture has (split folders, and a manifest with a split column); the clean data gives none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DiagnoseReport } from '../../../src/core/diagnostics/types';
import { asSets, CLEAN, diagnose, get, MODELS, PLANTED, problems, truth } from './helpers';

const P = truth.data.planted;
const layouts = { folders: PLANTED, manifest: `${PLANTED}/manifest.csv` };
const run = (data: string) => diagnose({ model: `${MODELS}/clean.onnx`, data });

type Ex = { source: string; split: string; label: string | null };
const groupsOf = (r: DiagnoseReport, code: string): string[][] => {
  const d = get(r, code).details as { groups: (Ex[] | { examples: Ex[] })[] };
  return d.groups.map((g) => (Array.isArray(g) ? g : g.examples).map((e) => e.source));
};

for (const [layout, data] of Object.entries(layouts)) {
  test(`planted data (${layout}): exact duplicates, near duplicates, leakage and conflicting labels are exactly the planted ones`, async () => {
    const r = await run(data);
    for (const code of ['ML-D001', 'ML-D002', 'ML-D003', 'ML-D004']) assert.equal(get(r, code).severity, 'warning', code);
    assert.deepEqual(asSets(groupsOf(r, 'ML-D001')), asSets(P.exactDuplicates.map((g) => g.files)));
    assert.deepEqual(asSets(groupsOf(r, 'ML-D002')), asSets(P.nearDuplicates.map((g) => g.files)));
    assert.deepEqual(asSets(groupsOf(r, 'ML-D003')), asSets(P.leakage.map((l) => [l.train, l.test])));
    assert.deepEqual(asSets(groupsOf(r, 'ML-D004')), asSets(P.conflictingLabels.map((c) => c.files)));
    const conflicts = (get(r, 'ML-D004').details as { groups: { examples: Ex[] }[] }).groups;
    for (const c of P.conflictingLabels) {
      const g = conflicts.find((x) => x.examples.some((e) => e.source === c.files[0]))!;
      assert.deepEqual(g.examples.map((e) => e.label).sort(), [...c.labels].sort());
    }
    const leak = (get(r, 'ML-D003').details as { groups: { kind: string; examples: Ex[] }[] }).groups;
    for (const l of P.leakage) {
      const g = leak.find((x) => x.examples.some((e) => e.source === l.test))!;
      assert.equal(g.kind, l.how === 'exact copy' ? 'exact' : 'near');
    }
  });

  test(`planted data (${layout}): imbalance, unreadable files and the constant image`, async () => {
    const r = await run(data);
    const imb = get(r, 'ML-D005');
    assert.equal(imb.severity, 'warning');
    const w = (imb.details as { worst: { split: string; max: number; min: number; minClass: string; ratio: number } }).worst;
    assert.deepEqual([w.split, w.max, w.min, w.minClass], [P.imbalance.split, P.imbalance.largest, P.imbalance.smallest, P.imbalance.smallestClass]);
    assert.equal(w.ratio, P.imbalance.ratio);
    const splits = (imb.details as { splits: { split: string; counts: Record<string, number> }[] }).splits;
    for (const s of splits) assert.deepEqual(s.counts, P.classCounts[s.split], `class counts of ${s.split}`);
    const bad = get(r, 'ML-D006');
    assert.equal(bad.severity, 'warning');
    assert.deepEqual((bad.details as { files: { source: string }[] }).files.map((x) => x.source).sort(), [...P.corrupt].sort());
    const constant = get(r, 'ML-D007');
    assert.equal(constant.severity, 'warning');
    assert.deepEqual((constant.details as { examples: { source: string }[] }).examples.map((x) => x.source), P.constant);
  });
}

test('manifest findings point at the manifest line of the first example', async () => {
  const r = await run(layouts.manifest);
  const lines = readFileSync(layouts.manifest, 'utf8').split('\n');
  for (const code of ['ML-D001', 'ML-D002', 'ML-D003', 'ML-D004', 'ML-D006', 'ML-D007']) {
    const f = get(r, code);
    assert.equal(f.location?.file, resolve(layouts.manifest), code);
    const line = f.location?.line;
    assert.ok(line !== undefined && line >= 2, `${code} has a line`);
    const first = code === 'ML-D006' ? (f.details as { files: { source: string }[] }).files[0].source : groupsOrExamples(f.details)[0];
    assert.ok(lines[line - 1].startsWith(`${first},`), `${code}: line ${line} is '${lines[line - 1]}', expected ${first}`);
  }
});

function groupsOrExamples(details: unknown): string[] {
  const d = details as { groups?: (Ex[] | { examples: Ex[] })[]; examples?: { source: string }[] };
  if (d.examples) return d.examples.map((e) => e.source);
  const g = d.groups![0];
  return (Array.isArray(g) ? g : g.examples).map((e) => e.source);
}

test('folder findings point at the first example file', async () => {
  const r = await run(layouts.folders);
  const f = get(r, 'ML-D007');
  assert.equal(f.location?.file, resolve(PLANTED, P.constant[0]));
});

test('clean data (folders and manifest): no data check warns', async () => {
  for (const data of [CLEAN, `${CLEAN}/manifest.csv`]) {
    const r = await run(data);
    assert.deepEqual(problems(r, 'data'), [], data);
    for (const code of ['ML-D001', 'ML-D002', 'ML-D003', 'ML-D004', 'ML-D005', 'ML-D006', 'ML-D007', 'ML-D008']) assert.equal(get(r, code).severity, 'info', `${data} ${code}`);
    const counts = (get(r, 'ML-D005').details as { splits: { split: string; counts: Record<string, number> }[] }).splits;
    for (const s of counts) assert.deepEqual(s.counts, truth.data.clean.classCounts[s.split]);
  }
});
