/**
 * Speed of the Python lint engine (issue 5 targets: a 10,000-line file in < 200 ms, a
 * 1,000-line file re-checked after a one-line edit in < 20 ms), printed as a table.
 *   npm run bench:lint [-- --runs 9]
 * It runs from the esbuild bundle (dist/bench-lint.js, beside dist/lint-worker.js), as the
 * extension and the CLI do: run from the sources through tsx, the rules take 20-40% longer
 * (tsx keeps function names, a helper call for every closure created).
 * The files are generated: training-script code (models, loops, losses, file listings) with
 * distinct names per block, so every rule has work to do. A CPU calibration line (a plain JS
 * loop) is printed so numbers from different machines can be compared.
 */
import { cpus, loadavg } from 'node:os';
import { convertTree } from '../src/core/lint/syntax';
import { initLint, LintDocument, lintSource } from '../src/core/lint/index';
import { parseHelperReady, parseInParallel } from '../src/core/lint/parallelParse';
import { pythonParser } from '../src/core/lint/parser';

function block(i: number): string {
  return `
class Net${i}(nn.Module):
    def __init__(self, n_in=${32 + (i % 7)}, n_out=${2 + (i % 9)}):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n_in, 64), nn.ReLU(), nn.Dropout(0.1))
        self.head = nn.Linear(64, n_out)

    def forward(self, x):
        h = self.body(x)
        return self.head(h)


def load_${i}(root):
    files = sorted(glob.glob(os.path.join(root, "part${i}", "*.npy")))
    labels = [os.path.basename(os.path.dirname(f)) for f in files]
    return list(zip(files, labels))


def train_${i}(model, loader, optimizer, device="cpu"):
    model.train()
    total = 0.0
    for step, (xb, yb) in enumerate(loader):
        xb, yb = xb.to(device), yb.to(device)
        optimizer.zero_grad()
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * xb.size(0)
    return total / max(1, len(loader.dataset))


@torch.no_grad()
def evaluate_${i}(model, loader):
    model.eval()
    correct = 0
    for xb, yb in loader:
        probs = F.softmax(model(xb), dim=1)
        correct += (probs.argmax(1) == yb).sum().item()
    return correct / max(1, len(loader.dataset))


def run_${i}(loader, val_loader):
    model = Net${i}()
    opt = torch.optim.Adam(model.parameters(), lr=${(i % 5) + 1}e-3)
    for epoch in range(3):
        train_${i}(model, loader, opt)
        print(epoch, evaluate_${i}(model, val_loader))
    scores = torch.log(torch.sum(torch.exp(model(torch.randn(4, 32))), dim=1))
    return scores
`;
}

const HEADER = 'import glob\nimport os\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\ntorch.manual_seed(0)\n';

function generate(lines: number): string {
  let src = HEADER;
  for (let i = 0; src.split('\n').length < lines; i++) src += block(i);
  return src.split('\n').slice(0, lines).join('\n') + '\n';
}

/** What the calibration loop takes on a current laptop (Apple M2 / recent x86 at ~4 GHz), for the estimate line. */
const REFERENCE_CALIBRATION_MS = 80;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall-clock ms of fn; its CPU ms (user + system, this process) are pushed to `cpuSink` if given. */
function time(fn: () => void, cpuSink?: number[]): number {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  const wall = performance.now() - t;
  const d = process.cpuUsage(c);
  cpuSink?.push((d.user + d.system) / 1000);
  return wall;
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 9;

  let s = 0;
  const calibCpu: number[] = [];
  const calib = time(() => {
    for (let i = 0; i < 1e8; i++) s += i & 7;
  }, calibCpu);
  if (s < 0) console.log(s);

  const tInit = time(() => undefined) + (await (async () => {
    const t = performance.now();
    await initLint();
    return performance.now() - t;
  })());
  const twoThreads = parseHelperReady(10_000);

  const big = generate(10_000);
  const small = generate(1_000);
  // warm up the WebAssembly and JIT
  for (let i = 0; i < 2; i++) lintSource(big);

  const parse: number[] = [];
  const convert: number[] = [];
  const split: number[] = [];
  const rules: number[] = [];
  const full: number[] = [];
  const cpu = { bigEdit: [] as number[], parse: [] as number[], convert: [] as number[], split: [] as number[], rules: [] as number[], full: [] as number[], fresh: [] as number[], edit: [] as number[] };
  let findings = 0;
  for (let r = 0; r < runs; r++) {
    const parser = pythonParser();
    let tree = null as ReturnType<typeof parser.parse>;
    parse.push(time(() => (tree = parser.parse(big)), cpu.parse));
    convert.push(time(() => convertTree(tree!, big), cpu.convert));
    tree!.delete();
    if (twoThreads) split.push(time(() => {
      if (!parseInParallel(big)) throw new Error('the 10,000-line file was not parsed on two threads');
    }, cpu.split));
    const d = new LintDocument(big);
    rules.push(time(() => d.lint(), cpu.rules)); // semantics + rules only (parsed above, untimed)
  }
  // The whole lint, as an editor does it: one document after another, nothing else in between
  // (the loop above leaves a parse tree's worth of garbage per phase, which the next lint would
  // otherwise pay for in garbage collection).
  for (let r = 0; r < runs; r++) {
    full.push(time(() => {
      findings = new LintDocument(big).lint().length;
    }, cpu.full));
  }

  // One-line edits: incremental (LintDocument: only the edited statement is parsed again) vs a fresh lint.
  const editLine = (doc: LintDocument, r: number) => {
    const ln = 20 + ((r * 37) % (doc.text.split('\n').length - 40));
    const text = doc.text;
    let off = 0;
    for (let i = 0; i < ln; i++) off = text.indexOf('\n', off) + 1;
    const lineEnd = text.indexOf('\n', off);
    const oldLine = text.slice(off, lineEnd);
    return () => {
      doc.applyEdit(off, lineEnd, oldLine.trim() ? `${oldLine}  # edited ${r}` : oldLine);
      doc.lint();
    };
  };
  const doc = new LintDocument(small);
  doc.lint();
  const edit: number[] = [];
  const fresh: number[] = [];
  for (let r = 0; r < Math.max(runs, 30); r++) {
    edit.push(time(editLine(doc, r), cpu.edit));
    const after = doc.text;
    fresh.push(time(() => lintSource(after), cpu.fresh));
  }
  const bigDoc = new LintDocument(big);
  bigDoc.lint();
  const bigEdit: number[] = [];
  for (let r = 0; r < runs; r++) bigEdit.push(time(editLine(bigDoc, r * 11), cpu.bigEdit));

  const best = (xs: number[]) => Math.min(...xs);
  const row = (what: string, ms: number[], cpuMs?: number[], target?: number) =>
    `| ${what.padEnd(64)} | ${median(ms).toFixed(1).padStart(8)} | ${(ms.length > 1 ? best(ms).toFixed(1) : '').padStart(8)} | ${(cpuMs ? median(cpuMs).toFixed(1) : '').padStart(8)} | ${target === undefined ? ''.padStart(8) : `< ${target}`.padStart(8)} |`;
  const out = [
    `Python lint benchmark — ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, Node ${process.version}`,
    `CPU calibration: 1e8-iteration JS loop = ${calib.toFixed(0)} ms wall, ${calibCpu[0]!.toFixed(0)} ms CPU (a 2023 laptop: ~70-100 ms)`,
    `parse helper thread: ${twoThreads ? 'ready (files over 64 KB are parsed on two threads)' : 'NOT ready: everything on one thread'}`,
    `medians of ${runs} runs (edits: ${edit.length}); generated files: ${big.split('\n').length - 1} and ${small.split('\n').length - 1} lines; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`,
    'CPU ms = user + system time of this process, both threads (median); best = the fastest run\'s wall time. On a shared machine the best is closer to what the code costs than the median.',
    '',
    `| ${'measurement'.padEnd(64)} | ${'wall ms'.padStart(8)} | ${'best ms'.padStart(8)} | ${'CPU ms'.padStart(8)} | ${'target'.padStart(8)} |`,
    `|${'-'.repeat(66)}|${'-'.repeat(10)}|${'-'.repeat(10)}|${'-'.repeat(10)}|${'-'.repeat(10)}|`,
    row('load parser (WebAssembly, once per process)', [tInit]),
    row('10,000 lines: parse (tree-sitter)', parse, cpu.parse),
    row('10,000 lines: copy tree to JS', convert, cpu.convert),
    ...(twoThreads ? [row('10,000 lines: parse + copy on two threads (what lint does)', split, cpu.split)] : []),
    row('10,000 lines: rules (semantics + all rules)', rules, cpu.rules),
    row(`10,000 lines: total lint (${findings} findings)`, full, cpu.full, 200),
    row('1,000 lines: fresh lint', fresh, cpu.fresh),
    row('1,000 lines: one-line edit, incremental re-lint (LintDocument)', edit, cpu.edit, 20),
    row('10,000 lines: one-line edit, incremental re-lint (LintDocument)', bigEdit, cpu.bigEdit),
  ];
  // wall times scaled: the CPU time of a lint on two threads is more than the time it takes
  const scale = REFERENCE_CALIBRATION_MS / calib;
  const ratio = (a: number[], b: number[]) => (median(a) / median(b)).toFixed(2);
  const oneThread = parse.map((p, i) => p + convert[i]!);
  out.push(
    '',
    `Ratios of medians in this run: parse + copy on two threads / on one thread ${twoThreads ? ratio(split, oneThread) : 'n/a'}; ` +
      `1,000 lines, edit re-lint / fresh lint ${ratio(edit, fresh)}; 10,000 lines, edit re-lint / fresh lint ${ratio(bigEdit, full)}.`,
    `Estimate for a machine whose calibration loop takes ${REFERENCE_CALIBRATION_MS} ms (median wall ms x ${scale.toFixed(2)}): ` +
      `10,000-line lint ~${(median(full) * scale).toFixed(0)} ms, one-line edit re-lint ~${(median(edit) * scale).toFixed(0)} ms.`,
  );
  console.log(out.join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
