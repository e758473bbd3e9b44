/**
 * The data checks, from what DataFeatures kept: duplicates (exact, near, across splits,
 * conflicting labels), class imbalance, unreadable files, constant inputs, and the input
 * value statistics against the configured pre-processing.
 */
import { scaleCoefficients } from '../data/preprocess';
import type { PreprocessConfig } from '../protocol';
import { finding, num, pct, plural, skipped } from './codes';
import type { DataFeatures } from './dataFeatures';
import { findNearDuplicates, type NearDuplicateOptions } from './nearDuplicates';
import type { Finding } from './types';

type Location = Finding['location'];

export interface DataContext {
  features: DataFeatures;
  splitNames: string[];
  classes: string[];
  /** Where an example lives (its file, or the manifest line). */
  locate(id: number): Location;
  /** Where findings about the data as a whole go. */
  dataLocation: Location;
}

export interface DuplicateGroups {
  /** Same content, same split, same label (D001). */
  exact: number[][];
  /** Different content, near-identical, same split (D002). */
  near: number[][];
  /** Exact or near copies in different splits (D003). */
  leakage: { ids: number[]; kind: 'exact' | 'near' }[];
  /** Exact or near copies with different labels (D004). */
  conflicts: { ids: number[]; kind: 'exact' | 'near' }[];
  comparisons: number;
  searched: number;
}

/** Finds and classifies every duplicate group. */
export function duplicateGroups(features: DataFeatures, options: NearDuplicateOptions = {}): DuplicateGroups {
  const n = features.n;
  const exactGroups = features.exactGroups();
  // Exact copies take part in the near search through one representative.
  const include = features.hasThumb.slice(0, n);
  const membersOf = new Map<number, number[]>();
  for (const g of exactGroups) {
    for (const id of g.slice(1)) include[id] = 0;
    membersOf.set(g[0], g);
  }
  const near = findNearDuplicates(features.thumbs, n, include, options);
  const out: DuplicateGroups = { exact: [], near: [], leakage: [], conflicts: [], comparisons: near.comparisons, searched: near.searched };
  const split = (id: number) => features.splits[id];
  const label = (id: number) => features.labels[id];
  const distinct = (ids: number[], f: (id: number) => number) => new Set(ids.map(f)).size;

  for (const g of exactGroups) {
    const byKey = new Map<string, number[]>();
    for (const id of g) {
      const k = `${split(id)}:${label(id)}`;
      let list = byKey.get(k);
      if (!list) byKey.set(k, (list = []));
      list.push(id);
    }
    for (const list of byKey.values()) if (list.length > 1) out.exact.push(list);
    if (distinct(g, split) > 1) out.leakage.push({ ids: g, kind: 'exact' });
    const labelled = g.filter((id) => label(id) >= 0);
    if (distinct(labelled, label) > 1) out.conflicts.push({ ids: g, kind: 'exact' });
  }
  for (const reps of near.groups) {
    const ids = reps.flatMap((r) => membersOf.get(r) ?? [r]).sort((a, b) => a - b);
    // Within a split: the group's distinct contents there (one id per exact group).
    const bySplit = new Map<number, number[]>();
    for (const r of reps) {
      for (const s of new Set((membersOf.get(r) ?? [r]).map(split))) {
        let list = bySplit.get(s);
        if (!list) bySplit.set(s, (list = []));
        list.push(...(membersOf.get(r) ?? [r]).filter((id) => split(id) === s));
      }
    }
    for (const [s, list] of bySplit) {
      const contents = reps.filter((r) => (membersOf.get(r) ?? [r]).some((id) => split(id) === s));
      if (contents.length > 1) out.near.push(list.sort((a, b) => a - b));
    }
    if (distinct(ids, split) > 1) out.leakage.push({ ids, kind: 'near' });
    const labelled = ids.filter((id) => label(id) >= 0);
    if (distinct(labelled, label) > 1) out.conflicts.push({ ids, kind: 'near' });
  }
  const byFirst = (a: { ids: number[] } | number[], b: { ids: number[] } | number[]) => (Array.isArray(a) ? a[0] : a.ids[0]) - (Array.isArray(b) ? b[0] : b.ids[0]);
  out.exact.sort(byFirst);
  out.near.sort(byFirst);
  out.leakage.sort(byFirst);
  out.conflicts.sort(byFirst);
  return out;
}

const MAX_LISTED = 50;

const kinds = (groups: { kind: 'exact' | 'near' }[]): string => {
  const k = new Set(groups.map((g) => g.kind));
  return k.size > 1 ? 'identical or near-identical' : k.has('exact') ? 'identical' : 'near-identical';
};

export function duplicateFindings(ctx: DataContext, g: DuplicateGroups, threshold: number): Finding[] {
  const f = ctx.features;
  if (f.n === 0) {
    return (['ML-D001', 'ML-D002', 'ML-D003', 'ML-D004'] as const).map((c) => skipped(c, 'No readable examples.', ctx.dataLocation));
  }
  const ex = (id: number) => ({ source: f.sources[id], split: ctx.splitNames[f.splits[id]], label: f.labels[id] >= 0 ? ctx.classes[f.labels[id]] ?? String(f.labels[id]) : null });
  const group = (ids: number[]) => ids.map(ex);
  const eg = (ids: number[]) => ids.slice(0, 3).map((id) => f.sources[id]).join(' = ');
  const at = (ids: number[] | undefined) => (ids ? ctx.locate(ids[0]) : ctx.dataLocation);
  const extra = (n: number) => (n > 1 ? ` (and ${n - 1} more group${n > 2 ? 's' : ''})` : '');
  const out: Finding[] = [];
  const copies = (groups: number[][]) => groups.reduce((a, x) => a + x.length - 1, 0);
  const multiSplit = ctx.splitNames.length > 1;

  const exact = g.exact;
  out.push(exact.length
    ? finding('ML-D001', 'warning', `${plural(copies(exact), 'example')} ${copies(exact) === 1 ? 'is an exact copy' : 'are exact copies'} of another in the same split with the same label, in ${plural(exact.length, 'group')}: ${eg(exact[0])}${extra(exact.length)}.`,
      'Remove the copies: duplicates weigh some examples more in training and in the metrics (Karpathy: look at the data).', { location: at(exact[0]), details: { groups: exact.slice(0, MAX_LISTED).map(group), total: exact.length } })
    : finding('ML-D001', 'info', `No two of the ${plural(f.n, 'readable example')} have identical content within a split.`, '', { location: ctx.dataLocation, details: { groups: [], total: 0 } }));

  const images = f.images;
  if (images === 0) out.push(skipped('ML-D002', 'The examples are vectors, not images: near duplicates are searched among images only.', ctx.dataLocation));
  else {
    const near = g.near;
    const nd = { groups: near.slice(0, MAX_LISTED).map(group), total: near.length, threshold, searched: g.searched, comparisons: g.comparisons, measure: 'cosine of mean-centred 16x16 grey thumbnails' };
    out.push(near.length
      ? finding('ML-D002', 'warning', `${plural(near.length, 'group')} of near-identical images (thumbnail cosine >= ${threshold}) within a split: ${eg(near[0]).replace(/ = /g, ' ~ ')}${extra(near.length)}.`,
        'Near copies (re-encoded, brightened, resized) inflate the weight of some examples; keep one of each group.', { location: at(near[0]), details: nd })
      : finding('ML-D002', 'info', `No near-identical images within a split among ${plural(g.searched, 'image')} (thumbnail cosine >= ${threshold}; ${plural(g.comparisons, 'candidate pair')} compared).`, '', { location: ctx.dataLocation, details: nd }));
  }

  if (!multiSplit) out.push(skipped('ML-D003', `The data has one split ('${ctx.splitNames[0]}'); give train and test (split folders, a split column, or --data name=path) to check for leakage.`, ctx.dataLocation));
  else {
    const leak = g.leakage;
    const leakDetails = { groups: leak.slice(0, MAX_LISTED).map((l) => ({ kind: l.kind, examples: group(l.ids) })), total: leak.length };
    out.push(leak.length
      ? finding('ML-D003', 'warning', `${plural(leak.length, 'group')} of ${kinds(leak)} images appear in more than one split (${ctx.splitNames.join(', ')}): ${eg(leak[0].ids)}${extra(leak.length)}.`,
        'Remove the copies from the evaluation split: a test example seen in training makes the test error look better than it is.', { location: at(leak[0].ids), details: leakDetails })
      : finding('ML-D003', 'info', `No image appears (exactly or nearly) in more than one of the splits ${ctx.splitNames.join(', ')}.`, '', { location: ctx.dataLocation, details: leakDetails }));
  }

  const labelled = f.labels.subarray(0, f.n).some((l) => l >= 0);
  if (!labelled) out.push(skipped('ML-D004', 'The data has no labels.', ctx.dataLocation));
  else {
    const c = g.conflicts;
    const cd = { groups: c.slice(0, MAX_LISTED).map((x) => ({ kind: x.kind, examples: group(x.ids) })), total: c.length };
    const labels = (ids: number[]) => [...new Set(ids.filter((id) => f.labels[id] >= 0).map((id) => ctx.classes[f.labels[id]]))].join(' vs ');
    out.push(c.length
      ? finding('ML-D004', 'warning', `${plural(c.length, 'group')} of ${kinds(c)} inputs carry different labels: ${eg(c[0].ids)} (${labels(c[0].ids)})${extra(c.length)}.`,
        'Decide the right label for each group and fix or remove the others: the same input with two labels is label noise the model cannot fit.', { location: at(c[0].ids), details: cd })
      : finding('ML-D004', 'info', 'No identical or near-identical inputs carry different labels.', '', { location: ctx.dataLocation, details: cd }));
  }
  return out;
}

export function imbalanceFinding(ctx: DataContext, ratioLimit: number): Finding {
  const f = ctx.features;
  const C = ctx.classes.length;
  const counts = ctx.splitNames.map(() => new Array<number>(C).fill(0));
  let labelled = 0;
  for (let i = 0; i < f.n; i++) {
    const l = f.labels[i];
    if (l >= 0 && l < C) {
      counts[f.splits[i]][l]++;
      labelled++;
    }
  }
  if (labelled === 0) return skipped('ML-D005', 'The data has no labels.', ctx.dataLocation);
  const present = ctx.classes.map((_, c) => counts.some((s) => s[c] > 0));
  const table = ctx.splitNames.map((name, s) => ({ split: name, counts: Object.fromEntries(ctx.classes.map((cls, c) => [cls, counts[s][c]])) }));
  let worst: { split: string; max: number; min: number; maxClass: string; minClass: string; ratio: number } | undefined;
  ctx.splitNames.forEach((name, s) => {
    const total = counts[s].reduce((a, b) => a + b, 0);
    if (total === 0) return;
    let max = -1, min = Infinity, maxC = 0, minC = 0;
    counts[s].forEach((k, c) => {
      if (!present[c]) return;
      if (k > max) (max = k), (maxC = c);
      if (k < min) (min = k), (minC = c);
    });
    const ratio = min === 0 ? Infinity : max / min;
    if (!worst || ratio > worst.ratio) worst = { split: name, max, min, maxClass: ctx.classes[maxC], minClass: ctx.classes[minC], ratio };
  });
  const missing = ctx.classes.filter((_, c) => !present[c]);
  const details = { splits: table, ratioLimit, worst: worst ?? null, classesWithoutExamples: missing };
  const w = worst!;
  const where = ctx.splitNames.length > 1 ? ` in '${w.split}'` : '';
  if (w.ratio >= ratioLimit) {
    return finding('ML-D005', 'warning', `Classes are imbalanced${where}: ${w.maxClass} has ${w.max} examples but ${w.minClass} ${w.min === 0 ? 'has none' : `only ${w.min}`} (ratio ${w.ratio === Infinity ? 'infinite' : num(w.ratio)}, limit ${ratioLimit}).`,
      'Collect more examples of the rare classes, or re-weight / re-sample them in training, and report per-class metrics (precision/recall), not accuracy alone.', { location: ctx.dataLocation, details });
  }
  const none = missing.length ? `; ${plural(missing.length, 'class', 'classes')} ${missing.length === 1 ? 'has' : 'have'} no examples at all` : '';
  if (w.max === w.min) return finding('ML-D005', 'info', `Classes are balanced: every class has ${w.max} examples${where}${none}.`, '', { location: ctx.dataLocation, details });
  return finding('ML-D005', 'info', `Class counts are balanced enough: the largest ratio is ${num(w.ratio)}${where} (${w.maxClass} ${w.max} vs ${w.minClass} ${w.min}; limit ${ratioLimit})${none}.`, '', { location: ctx.dataLocation, details });
}

export function unreadableFinding(ctx: DataContext, locateSource: (split: number, source: string) => Location): Finding {
  const u = ctx.features.unreadable;
  const total = ctx.features.n + u.length;
  const details = { count: u.length, total, files: u.slice(0, MAX_LISTED).map((x) => ({ split: ctx.splitNames[x.split], source: x.source, reason: x.reason })) };
  if (u.length === 0) return finding('ML-D006', 'info', `All ${plural(total, 'example')} could be read and decoded.`, '', { location: ctx.dataLocation, details });
  return finding('ML-D006', 'warning', `${plural(u.length, 'file')} of ${total.toLocaleString('en-US')} could not be read or decoded, e.g. ${u[0].reason}.`,
    'Re-export or delete the broken files (a training loader may crash on them, or silently skip them).', { location: locateSource(u[0].split, u[0].source), details });
}

export function constantFinding(ctx: DataContext): Finding {
  const f = ctx.features;
  const ids = f.constant;
  const details = { count: ids.length, examples: ids.slice(0, MAX_LISTED).map((id) => ({ source: f.sources[id], split: ctx.splitNames[f.splits[id]] })) };
  if (f.n === 0) return skipped('ML-D007', 'No readable examples.', ctx.dataLocation);
  if (ids.length === 0) return finding('ML-D007', 'info', `None of the ${plural(f.n, 'example')} is constant.`, '', { location: ctx.dataLocation, details });
  return finding('ML-D007', 'warning', `${plural(ids.length, 'example')} ${ids.length === 1 ? 'has' : 'have'} every value equal (blank images), e.g. ${ids.slice(0, 3).map((id) => f.sources[id]).join(', ')}.`,
    'Look at them: blank frames, failed crops or exports carry no information; remove them or fix the step that produced them.', { location: ctx.locate(ids[0]), details });
}

/** Raw value statistics against what the configured scaling expects. */
export function inputStatsFinding(ctx: DataContext, cfg: PreprocessConfig | undefined): Finding {
  const f = ctx.features;
  if (f.n === 0) return skipped('ML-D008', 'No readable examples.', ctx.dataLocation);
  const raw = f.channelSummary();
  if (!cfg) return finding('ML-D008', 'info', `Raw values per channel: ${raw.map((s, c) => `channel ${c}: ${num(s.min)}..${num(s.max)}, mean ${num(s.mean)}, std ${num(s.std)}`).join('; ')} (no pre-processing configured: the model cannot be fed).`, '', { location: ctx.dataLocation, details: { raw } });
  const coef = scaleCoefficients(cfg);
  const after = raw.map((s, c) => {
    const a = coef.a[c % coef.a.length], b = coef.b[c % coef.b.length];
    const lo = a * s.min + b, hi = a * s.max + b;
    return { mean: a * s.mean + b, std: Math.abs(a) * s.std, min: Math.min(lo, hi), max: Math.max(lo, hi) };
  });
  const details = { raw, scale: cfg.scale, mean: cfg.mean ?? null, std: cfg.std ?? null, afterScaling: after, eightBit: !f.floatValues };
  const span = Math.max(...after.map((s) => Math.max(Math.abs(s.min), Math.abs(s.max))));
  const rawMax = Math.max(...raw.map((s) => s.max));
  const text = after.map((s, c) => `${after.length > 1 ? `channel ${c} ` : ''}${num(s.min)}..${num(s.max)} (mean ${num(s.mean)}, std ${num(s.std)})`).join('; ');
  if (span < 0.02 && rawMax <= 1.0001 && cfg.scale !== 'none') {
    return finding('ML-D008', 'warning', `The data already lie in [0,1] (max ${num(rawMax)}) and the '${cfg.scale}' scaling divides by 255 again: the model sees ${text}.`,
      'Pass float data as stored (--scale none) or save 8-bit pixels; normalising twice squeezes the input to nearly zero.', { location: ctx.dataLocation, details });
  }
  if (span > 20 && cfg.scale !== 'raw') {
    return finding('ML-D008', 'warning', `After the '${cfg.scale}' scaling the model sees values up to ${num(span)} (${text}): the inputs are not normalised.`,
      'Scale the inputs the way training did (e.g. --scale unit for 8-bit images trained on [0,1]).', { location: ctx.dataLocation, details });
  }
  if (cfg.scale === 'custom' && cfg.mean && cfg.std) {
    const off = raw.map((s, c) => ({ c, mean: s.mean / 255, std: s.std / 255, cfgMean: cfg.mean![c % cfg.mean!.length], cfgStd: cfg.std![c % cfg.std!.length] }))
      .filter((x) => Math.abs(x.mean - x.cfgMean) > 0.25 || x.std / x.cfgStd > 3 || x.cfgStd / x.std > 3);
    if (!f.floatValues && off.length) {
      return finding('ML-D008', 'warning', `The configured mean/std (${cfg.mean.join(', ')} / ${cfg.std.join(', ')}) are far from the data's own (${off.map((x) => `${num(x.mean)} / ${num(x.std)}`).join(', ')} on the 0..1 scale).`,
        'Check that the mean/std are the ones used in training, on the same 0..1 scale and channel order.', { location: ctx.dataLocation, details });
    }
  }
  return finding('ML-D008', 'info', `After the '${cfg.scale}' scaling the model sees ${text}, as that scaling expects (${f.floatValues ? 'float' : '8-bit'} data, raw max ${num(rawMax)}).`, '', { location: ctx.dataLocation, details });
}
