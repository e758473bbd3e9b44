/**
 * npm run bench:host — the extension host's event-loop delay while a run is in progress.
 * The host side of a run is exactly this: inspect() receiving batches and partial results from
 * the child process, and for each partial result what the panel does with it: build the
 * `report` message (reportMessage, the panel's own code) and hand it to postMessage, where
 * VS Code's extension host serializes it — JSON.stringify with a replacer that lifts typed arrays
 * out as binary buffers (extHostWebviewMessaging.serializeWebviewMessage, on for extensions whose
 * engine is >= 1.57); at the end the final message and the saved last run (v8.serialize, as runs.ts saves it). Measured with
 * perf_hooks.monitorEventLoopDelay over a 100,000-example IDX run, once with the default cap of
 * 1,000 items per list and once with 100,000 (all examples in the panel), each in this process.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { serialize } from 'node:v8';
import { inspectPacked } from '../src/core/inspect';
import { reportMessage } from '../src/core/report/packed';

const data = resolve(process.argv[2] ?? '.cache/bench/idx-100k/images-idx3-ubyte');
if (!existsSync(data)) {
  console.error(`${data} is missing: run npm run bench first (it writes the 100,000-example IDX file)`);
  process.exit(1);
}

/** What VS Code's extension host does to a webview message before it leaves the process. */
function serializeLikeVsCode(message: unknown): { json: number; buffers: number } {
  const buffers: ArrayBufferLike[] = [];
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof ArrayBuffer) return { $$vscode_array_buffer_reference$$: true, index: buffers.push(value) - 1 };
    if (ArrayBuffer.isView(value)) {
      return { $$vscode_array_buffer_reference$$: true, index: buffers.push(value.buffer) - 1, view: { byteLength: value.byteLength, byteOffset: value.byteOffset } };
    }
    return value;
  });
  return { json: json.length, buffers: buffers.reduce((s, b) => s + b.byteLength, 0) };
}

interface Row { top: number; examples: number; listItems: number; wall: number; partials: number; p50: number; p99: number; max: number; maxPostMs: number; finalMs: number; postedMB: number }

async function once(top: number): Promise<Row> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  let partials = 0;
  let maxPostMs = 0;
  let postedBytes = 0;
  const post = (m: unknown) => {
    const t = performance.now();
    const s = serializeLikeVsCode(m);
    postedBytes += s.json + s.buffers;
    return performance.now() - t;
  };
  h.enable();
  const t = performance.now();
  const { report: r, lists } = await inspectPacked(
    { model: resolve('media/sample/model.onnx'), data, saveConfig: false, executionProviders: ['cpu'], top },
    {
      partialEveryMs: 500,
      onPartial: (p) => {
        partials++;
        maxPostMs = Math.max(maxPostMs, post(reportMessage(p, true)));
      },
      onProgress: () => undefined,
    },
  );
  // The end of the run: the final report to the panel, and the run saved for "Show Last Report".
  const t1 = performance.now();
  post(reportMessage({ report: r, lists }, false));
  serialize({ options: { top }, report: { report: r, lists } });
  const finalMs = performance.now() - t1;
  await new Promise((ok) => setTimeout(ok, 50)); // the histogram records a block once the loop runs again
  const wall = (performance.now() - t) / 1000;
  h.disable();
  return {
    top, examples: r.numExamples, listItems: lists.mistakes.count + lists.hardest.count + lists.labelIssues.count, wall, partials,
    p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6, maxPostMs, finalMs, postedMB: postedBytes / 1e6,
  };
}

async function main() {
  const load0 = loadavg();
  const rows: Row[] = [];
  for (const top of [1000, 100_000]) rows.push(await once(top));
  const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  const ms = (n: number) => n.toFixed(1);
  console.log(`\nExtension-host event loop during a run — ${cpus().length} x ${cpus()[0]?.model}, node ${process.version}`);
  console.log(`load avg 1/5/15 min: start ${la(load0)}, end ${la(loadavg())}\n`);
  console.log('| cap per list | examples | items in the 3 lists | wall s | partial reports | p50 delay ms | p99 delay ms | max delay ms | slowest partial post ms | final post + save ms | MB posted |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.top.toLocaleString('en-US')} | ${r.examples.toLocaleString('en-US')} | ${r.listItems.toLocaleString('en-US')} | ${r.wall.toFixed(1)} | ${r.partials} | `
      + `${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${ms(r.maxPostMs)} | ${ms(r.finalMs)} | ${r.postedMB.toFixed(0)} |`);
  }
  console.log('\nTarget (issue): p99 < 50 ms while the run is in progress. Not asserted: this is a benchmark.');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
