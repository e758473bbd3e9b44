/**
 * Tracer overhead: the same small training loop (bench/trace_train.py) run plain and under
 * `runTrace`, in fresh processes, alternating; the loop times its own steps (after a warm-up),
 * so interpreter start-up and `import torch` are not counted. Printed as a table with the
 * machine load.   npm run bench:trace [-- --runs 3 --steps 200]
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runTrace } from '../src/core/lint/trace/runner';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, steps: { type: 'string', default: '200' }, python: { type: 'string', default: '/usr/bin/python3' } } });
const runs = Number(values.runs);
const steps = Number(values.steps);
const python = values.python!;
const script = join(__dirname, 'trace_train.py');
const speed = (out: string) => {
  const m = /steps_per_s ([\d.]+)/.exec(out);
  if (!m) throw new Error(`no speed in output: ${out.slice(-500)}`);
  return Number(m[1]);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const cases = [
  { name: 'small MLP (width 64, batch 32): op-bound', width: 64, batch: 32 },
  { name: 'wider MLP (width 1024, batch 256): compute-bound', width: 1024, batch: 256 },
];
async function main(): Promise<void> {
const rows: string[][] = [];
const load0 = loadavg()[0]!;
for (const c of cases) {
  const args = [String(steps), String(c.width), String(c.batch)];
  const plain: number[] = [];
  const traced: number[] = [];
  const ops: number[] = [];
  const own: number[] = [];
  for (let i = 0; i < runs; i++) {
    const p = spawnSync(python, [script, ...args], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
    plain.push(speed(p.stdout));
    // Step bound above the loop's length: the script ends by itself, every step is traced.
    const r = await runTrace({ script, args, python, steps: steps + 100, timeLimitSeconds: 600 });
    if (r.stoppedBy !== 'end') throw new Error(`traced run ended: ${r.summary}`);
    traced.push(speed(r.outputTail));
    ops.push((r.overhead?.ops ?? 0) / (steps + 5));
    own.push((r.overhead?.tracerSeconds ?? 0) / (r.wallSeconds ?? 1));
  }
  const [sp, st] = [median(plain), median(traced)];
  rows.push([c.name, sp.toFixed(1), st.toFixed(1), `${(sp / st).toFixed(2)}x`, median(ops).toFixed(0), `${(100 * median(own)).toFixed(0)}%`]);
}
const head = ['case', 'plain steps/s', 'traced steps/s', 'slowdown', 'traced ops/step', 'tracer checks share'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(head));
for (const r of rows) console.log(line(r));
console.log(`medians of ${runs} runs of ${steps} steps each (after 5 warm-up steps), 1 torch thread; python ${python}; load average ${load0.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after, on ${cpus().length} CPUs`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
