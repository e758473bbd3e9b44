/**
 * npm run bench:host — the extension host's event-loop delay while a run is in progress.
 * The host side of a run is exactly this: inspect() receiving batches from the child
 * process, accumulating them and analysing partial results every 500 ms (what the panel
 * gets). Measured with perf_hooks.monitorEventLoopDelay over a 100,000-example IDX run.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { cpus } from 'node:os';
import { inspect } from '../src/core/inspect';

const data = resolve(process.argv[2] ?? '.cache/bench/idx-100k/images-idx3-ubyte');
if (!existsSync(data)) {
  console.error(`${data} is missing: run npm run bench first (it writes the 100,000-example IDX file)`);
  process.exit(1);
}

async function main() {
  const h = monitorEventLoopDelay({ resolution: 5 });
  let partials = 0;
  h.enable();
  const t = performance.now();
  const r = await inspect(
    { model: resolve('media/sample/model.onnx'), data, saveConfig: false, executionProviders: ['cpu'], top: 1000 },
    {
      partialEveryMs: 500,
      onPartial: () => {
        partials++;
      },
      onProgress: () => undefined,
    },
  );
  const wall = (performance.now() - t) / 1000;
  h.disable();
  const ms = (n: number) => (n / 1e6).toFixed(1);
  console.log(`\nExtension-host event loop during a run — ${cpus().length} x ${cpus()[0]?.model}, node ${process.version}`);
  console.log(`| examples | wall s | partial reports | p50 delay ms | p99 delay ms | max delay ms |`);
  console.log(`| ${r.numExamples} | ${wall.toFixed(1)} | ${partials} | ${ms(h.percentile(50))} | ${ms(h.percentile(99))} | ${ms(h.max)} |`);
  console.log('Target: p99 < 50 ms.');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
