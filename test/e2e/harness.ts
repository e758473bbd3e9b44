/**
 * A real VS Code in a real browser, offline: code-server (VS Code's own server and
 * workbench, from npm; prepared by scripts/code-server/setup.sh) driven by Debian's
 * Chromium through playwright-core. Recipe: ../../../shared/notes/real-vscode-offline.md.
 *
 * Everything a session starts is stopped by process id (never by name): the code-server
 * process group (server, extension host, file watcher, pty host) and the Chromium
 * process. A per-session watchdog kills both after `hardTimeoutMs`, and a process exit
 * hook kills whatever is left, so a stuck test cannot hang CI.
 *
 *   const wb = await openWorkbench({ name: 'smoke', files: { 'a.txt': 'hi' } });
 *   try { await wb.runCommand('View: Toggle Terminal'); await wb.screenshot('terminal'); }
 *   finally { await wb.close(); }
 *
 * or `await withWorkbench({ ... }, async (wb) => { ... })`, which also saves a
 * screenshot and the logs when the body throws.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { chromium, type Browser, type BrowserContext, type BrowserServer, type Frame, type Locator, type Page } from 'playwright-core';

export const REPO_ROOT = resolve(__dirname, '../..');
export const CODE_SERVER_VERSION = process.env.CODE_SERVER_VERSION ?? '4.100.3';
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS_DIR = resolve(REPO_ROOT, process.env.E2E_RESULTS_DIR ?? 'test-results/e2e');

/** The newest Mistake Lens .vsix in the repository root (`npm run package` writes it): what users install. */
export function packagedVsix(): string {
  const found = readdirSync(REPO_ROOT).filter((f) => /^mistake-lens-.*\.vsix$/.test(f)).map((f) => join(REPO_ROOT, f));
  if (found.length === 0) throw new Error('no .vsix in the repository root: run `npm run package` first');
  return found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
}

/** Every file under `dir` as workspace files named `prefix` + its path relative to `dir` (after `rename`). */
export function filesUnder(dir: string, prefix: string, rename: (rel: string) => string = (r) => r): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const p = join(at, name);
      if (statSync(p).isDirectory()) walk(p);
      else files[prefix + rename(p.slice(dir.length + 1).split(sep).join('/'))] = readFileSync(p);
    }
  };
  walk(dir);
  return files;
}

/** Chromium flags from the recipe: no sandbox (root), no GPU, nothing that phones home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * How the session treats workspace trust (`capabilities.untrustedWorkspaces`):
 * - 'trusted': trust is on and the startup dialog is answered "Yes, I trust the authors".
 * - 'restricted': trust is on and the dialog is answered "No, I don't trust the authors":
 *   the window is in Restricted Mode (checked on the status bar).
 * - 'prompt': trust is on and the dialog is left open for the test to handle.
 * - 'disabled': `security.workspace.trust.enabled: false`; no dialog, everything trusted.
 */
export type TrustMode = 'trusted' | 'restricted' | 'prompt' | 'disabled';

export interface CodeServerOptions {
  /** Used in screenshot and log file names. */
  name?: string;
  /** Folder to open. Default: a fresh `workspace/` in the session's temp dir. */
  workspace?: string;
  /** Files to write into the workspace (relative path -> contents) before starting. */
  files?: Record<string, string | Uint8Array>;
  /** Packaged extension(s) to install (`--install-extension`) before the server starts. */
  vsix?: string | string[];
  /** Default 'trusted'. */
  trust?: TrustMode;
  /** User settings merged over the harness defaults (telemetry, updates, welcome page off). */
  settings?: Record<string, unknown>;
  /** Extra code-server arguments. */
  extraArgs?: string[];
  /** Extra environment for code-server (and so for the extension host). */
  env?: Record<string, string>;
  /** Keep the temp dir after stop (always kept when E2E_KEEP_TMP=1). */
  keepTmp?: boolean;
}

export interface WorkbenchOptions extends CodeServerOptions {
  /**
   * Run extension tests in the real extension host: passed to the web workbench as
   * its URL `payload` (the way VS Code web receives them); code-server's own CLI
   * rejects --extensionDevelopmentPath. Absolute paths on the server's file system.
   */
  extensionDevelopmentPath?: string | string[];
  extensionTestsPath?: string;
  /** Kill everything after this long, whatever the test is doing. Default 180 s. */
  hardTimeoutMs?: number;
  /** Default 1600 x 1000. */
  viewport?: { width: number; height: number };
  /** Wait for the Explorer to show the workspace's files. Default true (false for an empty folder). */
  waitForExplorer?: boolean;
  /** Where screenshots and logs go. Default test-results/e2e (or $E2E_RESULTS_DIR). */
  resultsDir?: string;
  /** Called with each browser console line ("[type] text"), including the extension host's forwarded output. */
  onConsole?: (line: string) => void;
}

export interface CodeServer {
  url: string;
  port: number;
  pid: number;
  tmpDir: string;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  /** Everything code-server printed so far. */
  log(): string;
  /** Resolves when the server exits (with its exit code, or null when killed). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface Timings {
  installMs?: number;
  serverStartMs?: number;
  browserStartMs?: number;
  workbenchReadyMs?: number;
  trustMs?: number;
}

// ---------------------------------------------------------------------------------------
// process bookkeeping: everything we start is killed by pid on exit

const liveGroups = new Set<number>();
const livePids = new Set<number>();
const liveTmpDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
    for (const pid of livePids) killPid(pid, 'SIGKILL');
    for (const dir of liveTmpDirs) rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** Records a pid in $E2E_PID_DIR so test/e2e/run.mjs can kill it if this process is killed. */
function notePid(kind: 'group' | 'pid', pid: number, add: boolean): void {
  (kind === 'group' ? liveGroups : livePids)[add ? 'add' : 'delete'](pid);
  noteForRunner(`${kind}-${pid}`, String(pid), add);
}

/** Same for a temp dir (run.mjs removes it when this process was killed before cleanup). */
function noteTmpDir(dir: string, add: boolean): void {
  liveTmpDirs[add ? 'add' : 'delete'](dir);
  noteForRunner(`tmp-${dir.split('/').pop()}`, dir, add);
}

function noteForRunner(name: string, content: string, add: boolean): void {
  const dir = process.env.E2E_PID_DIR;
  if (!dir) return;
  const file = join(dir, name);
  try {
    if (add) writeFileSync(file, content);
    else rmSync(file, { force: true });
  } catch {
    /* best effort */
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* already gone */
  }
}

function killPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}

function isAlive(pid: number, group = false): boolean {
  try {
    process.kill(group ? -pid : pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntilDead(pid: number, group: boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!isAlive(pid, group)) return true;
    await sleep(50);
  }
  return !isAlive(pid, group);
}

// ---------------------------------------------------------------------------------------
// code-server

/** Path of code-server's entry.js in the cache; throws with the setup command when absent. */
export function codeServerEntry(version = CODE_SERVER_VERSION): string {
  const root = process.env.CODE_SERVER_CACHE ?? join(REPO_ROOT, '.cache/code-server');
  const dir = join(root, version);
  const entry = join(dir, 'package/out/node/entry.js');
  if (!existsSync(join(dir, '.ready')) || !existsSync(entry)) {
    throw new Error(`code-server ${version} is not prepared in ${dir}: run scripts/code-server/setup.sh`);
  }
  return entry;
}

/**
 * Runs scripts/code-server/setup.sh (about a second when the cache is warm; installs
 * Debian packages and builds code-server when cold) and returns entry.js.
 * E2E_SKIP_SETUP=1 skips the script and only checks the cache.
 */
export function ensureCodeServer(): string {
  if (process.env.E2E_SKIP_SETUP !== '1') {
    const r = spawnSync('bash', [join(REPO_ROOT, 'scripts/code-server/setup.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`scripts/code-server/setup.sh failed (exit ${r.status})`);
  }
  return codeServerEntry();
}

/** User settings that keep a test session quiet and deterministic. */
export function defaultSettings(trust: TrustMode): Record<string, unknown> {
  return {
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'workbench.startupEditor': 'none',
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'editor.accessibilitySupport': 'off',
    'git.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
    'chat.commandCenter.enabled': false,
    'window.confirmBeforeClose': 'never',
    'files.hotExit': 'off',
    // The DOM renderer, so terminal text is in the page (readable by tests) and no WebGL is needed.
    'terminal.integrated.gpuAcceleration': 'off',
    'security.workspace.trust.enabled': trust !== 'disabled',
    'security.workspace.trust.startupPrompt': 'always',
    'security.workspace.trust.banner': 'never',
  };
}

function codeServerEnv(tmp: string, extra?: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // code-server keeps its own state (config, last-opened folder) under XDG dirs.
    XDG_CONFIG_HOME: join(tmp, 'xdg/config'),
    XDG_DATA_HOME: join(tmp, 'xdg/data'),
    XDG_CACHE_HOME: join(tmp, 'xdg/cache'),
    ...extra,
  };
}

function baseArgs(tmp: string, userDataDir: string, extensionsDir: string): string[] {
  return [
    '--config', join(tmp, 'config.yaml'),
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
}

/** Runs code-server's extension CLI (--install-extension and friends) and waits for it. */
export async function codeServerCli(server: Pick<CodeServer, 'tmpDir' | 'userDataDir' | 'extensionsDir'>, args: string[], timeoutMs = 120_000): Promise<string> {
  const entry = codeServerEntry();
  const child = spawn(process.execPath, [entry, ...baseArgs(server.tmpDir, server.userDataDir, server.extensionsDir), ...args], {
    env: codeServerEnv(server.tmpDir),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid!;
  notePid('group', pid, true);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  clearTimeout(timer);
  killGroup(pid, 'SIGKILL');
  notePid('group', pid, false);
  if (code !== 0) throw new Error(`code-server ${args.join(' ')} exited with ${code}:\n${out}`);
  return out;
}

/** Starts code-server on a free 127.0.0.1 port with fresh user-data and extensions dirs. */
export async function startCodeServer(opts: CodeServerOptions = {}, timings: Timings = {}): Promise<CodeServer> {
  installExitHook();
  const entry = codeServerEntry();
  const tmp = mkdtempSync(join(tmpdir(), `ml-e2e-${sanitize(opts.name ?? 'session')}-`));
  const keepTmp = opts.keepTmp || process.env.E2E_KEEP_TMP === '1';
  if (!keepTmp) noteTmpDir(tmp, true);
  const userDataDir = join(tmp, 'user-data');
  const extensionsDir = join(tmp, 'extensions');
  const workspace = opts.workspace ? resolve(opts.workspace) : join(tmp, 'workspace');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(workspace, { recursive: true });
  for (const [rel, content] of Object.entries(opts.files ?? {})) {
    const p = join(workspace, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  const trust = opts.trust ?? 'trusted';
  writeFileSync(join(userDataDir, 'User/settings.json'), JSON.stringify({ ...defaultSettings(trust), ...opts.settings }, null, 2));
  // Our own config file, so code-server never writes ~/.config/code-server/config.yaml.
  writeFileSync(join(tmp, 'config.yaml'), 'auth: none\n');

  const partial = { tmpDir: tmp, userDataDir, extensionsDir };
  const vsixes = opts.vsix === undefined ? [] : Array.isArray(opts.vsix) ? opts.vsix : [opts.vsix];
  if (vsixes.length) {
    const t = Date.now();
    const args = vsixes.flatMap((v) => ['--install-extension', resolve(v)]);
    const out = await codeServerCli(partial, [...args, '--force']);
    if (!/successfully installed/i.test(out)) throw new Error(`installing ${vsixes.join(', ')} did not report success:\n${out}`);
    timings.installMs = Date.now() - t;
  }

  const t0 = Date.now();
  const logFile = join(tmp, 'code-server.log');
  const args = [entry, ...baseArgs(tmp, userDataDir, extensionsDir), '--bind-addr', '127.0.0.1:0', ...(opts.extraArgs ?? []), workspace];
  // detached: its own process group, so one kill(-pid) also stops the extension host,
  // file watcher and pty host it forks (they outlive a plain kill of the server).
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: tmp,
    env: codeServerEnv(tmp, opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid!;
  notePid('group', pid, true);
  let log = '';
  const onData = (d: Buffer) => {
    log += d.toString();
    appendFileSync(logFile, d);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));

  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not listen within 60 s:\n${log}`)), 60_000);
    const check = () => {
      const m = /HTTP server listening on (http:\/\/[\d.]+:\d+)\//.exec(log);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code} before listening:\n${log}`));
    });
  }).catch(async (e) => {
    killGroup(pid, 'SIGKILL');
    notePid('group', pid, false);
    throw e;
  });
  timings.serverStartMs = Date.now() - t0;

  let stopped = false;
  return {
    url,
    port: Number(new URL(url).port),
    pid,
    tmpDir: tmp,
    userDataDir,
    extensionsDir,
    workspace,
    log: () => log,
    exited,
    async stop() {
      if (stopped) return;
      stopped = true;
      killGroup(pid, 'SIGTERM');
      if (!(await waitUntilDead(pid, true, 3000))) killGroup(pid, 'SIGKILL');
      await waitUntilDead(pid, true, 2000);
      notePid('group', pid, false);
      if (!keepTmp) {
        rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
        noteTmpDir(tmp, false);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------
// Chromium

export interface BrowserHandle {
  browser: Browser;
  pid: number;
  close(): Promise<void>;
}

/** Launches Debian's Chromium (playwright-core, no download) as a server we know the pid of. */
export async function launchBrowser(timings: Timings = {}): Promise<BrowserHandle> {
  installExitHook();
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run scripts/code-server/setup.sh (it installs Debian's chromium)`);
  const t0 = Date.now();
  const server: BrowserServer = await chromium.launchServer({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    // We kill by pid ourselves; playwright's own handlers would race ours.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const pid = server.process().pid!;
  notePid('pid', pid, true);
  const browser = await chromium.connect(server.wsEndpoint());
  timings.browserStartMs = Date.now() - t0;
  let closed = false;
  return {
    browser,
    pid,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.race([browser.close().catch(() => {}), sleep(3000)]);
      await Promise.race([server.close().catch(() => {}), sleep(3000)]);
      if (!(await waitUntilDead(pid, false, 2000))) {
        killPid(pid, 'SIGKILL');
        await server.kill().catch(() => {});
      }
      notePid('pid', pid, false);
    },
  };
}

// ---------------------------------------------------------------------------------------
// the workbench

export interface ExtensionTestResult {
  code: number;
  /** Log files the workbench handed back (name -> contents), when any. */
  logs: unknown;
}

export class Workbench {
  readonly consoleLines: string[] = [];
  private closed = false;
  private watchdog: NodeJS.Timeout | undefined;
  /** Set when the extension host exits after running `extensionTestsPath`. */
  readonly extensionTestsDone: Promise<ExtensionTestResult>;
  private resolveTests!: (r: ExtensionTestResult) => void;

  constructor(
    readonly name: string,
    readonly server: CodeServer,
    readonly browserHandle: BrowserHandle,
    readonly context: BrowserContext,
    readonly page: Page,
    readonly timings: Timings,
    readonly resultsDir: string = RESULTS_DIR,
    onConsole?: (line: string) => void,
  ) {
    this.extensionTestsDone = new Promise((r) => (this.resolveTests = r));
    const push = (line: string) => {
      this.consoleLines.push(line);
      onConsole?.(line);
    };
    page.on('console', (m) => push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => push(`[pageerror] ${e.message}`));
  }

  get workspace(): string {
    return this.server.workspace;
  }

  /** @internal */
  armWatchdog(ms: number): void {
    this.watchdog = setTimeout(() => {
      process.stderr.write(`[e2e] ${this.name}: hard timeout after ${ms} ms, killing code-server (pgid ${this.server.pid}) and chromium (pid ${this.browserHandle.pid})\n`);
      killGroup(this.server.pid, 'SIGKILL');
      killPid(this.browserHandle.pid, 'SIGKILL');
    }, ms);
    this.watchdog.unref();
  }

  /** @internal */
  extensionTestsExited(code: number, logs: unknown): void {
    this.resolveTests({ code, logs });
  }

  // ---- artifacts ------------------------------------------------------------------------

  /** Saves `test-results/e2e/<session>-<name>.png` and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(this.resultsDir, { recursive: true });
    const path = join(this.resultsDir, `${sanitize(this.name)}-${sanitize(name)}.png`);
    await this.page.screenshot({ path, timeout: 15_000 });
    return path;
  }

  /** Writes the server log and the browser console next to the screenshots. */
  saveLogs(suffix = 'log'): void {
    mkdirSync(this.resultsDir, { recursive: true });
    writeFileSync(join(this.resultsDir, `${sanitize(this.name)}-code-server.${suffix}.txt`), this.server.log());
    writeFileSync(join(this.resultsDir, `${sanitize(this.name)}-console.${suffix}.txt`), this.consoleLines.join('\n'));
  }

  // ---- trust ----------------------------------------------------------------------------

  /** The startup trust dialog's buttons. */
  trustButton(answer: 'trust' | 'restrict'): Locator {
    const name = answer === 'trust' ? "Yes, I trust the authors" : "No, I don't trust the authors";
    return this.page.locator('.monaco-dialog-box .monaco-button', { hasText: name });
  }

  /** Answers the startup trust dialog. */
  async answerTrustDialog(answer: 'trust' | 'restrict', timeoutMs = 30_000): Promise<void> {
    const button = this.trustButton(answer);
    await button.waitFor({ state: 'visible', timeout: timeoutMs });
    await button.click();
    await this.page.locator('.monaco-dialog-box').waitFor({ state: 'detached', timeout: 10_000 });
  }

  /** The "Restricted Mode" status bar entry (present only in restricted mode). */
  restrictedModeIndicator(): Locator {
    return this.page.locator('.statusbar-item', { hasText: 'Restricted Mode' });
  }

  async isRestricted(): Promise<boolean> {
    return (await this.restrictedModeIndicator().count()) > 0;
  }

  // ---- command palette and quick picks --------------------------------------------------

  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /**
   * Runs a command by its palette label ("View: Toggle Terminal", "Mistake Lens: Open Sample"):
   * F1, type the label, pick the row whose label is exactly that, Enter.
   */
  async runCommand(label: string, timeoutMs = 15_000): Promise<void> {
    await this.focusWorkbench();
    await this.page.keyboard.press('F1');
    const input = this.quickInput().locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
    await input.fill(`>${label}`);
    await this.pickQuickInputItem(label, timeoutMs);
  }

  /** In an open quick pick / palette: waits for the row labelled exactly `label` and picks it. */
  async pickQuickInputItem(label: string | RegExp, timeoutMs = 15_000): Promise<void> {
    const rows = this.quickInput().locator('.quick-input-list .monaco-list-row');
    const exact = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) : label;
    const row = rows.filter({ has: this.page.locator('.label-name', { hasText: exact }) }).first();
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    await row.click();
  }

  /** Types into an open quick input (a quick pick's filter or an input box) and presses Enter. */
  async answerQuickInput(text: string, timeoutMs = 15_000): Promise<void> {
    const input = this.quickInput().locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
    await input.fill(text);
    await input.press('Enter');
  }

  /** Opens a workspace file by relative path through Quick Open (Ctrl+P). */
  async openFile(relPath: string, timeoutMs = 15_000): Promise<void> {
    await this.focusWorkbench();
    await this.page.keyboard.press('Control+P');
    const input = this.quickInput().locator('.quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
    await input.fill(relPath);
    const base = relPath.split('/').pop()!;
    const row = this.quickInput().locator('.quick-input-list .monaco-list-row', { has: this.page.locator('.label-name', { hasText: base }) }).first();
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    await input.press('Enter');
    await this.editorTab(base).waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** An editor tab by its label. */
  editorTab(label: string | RegExp): Locator {
    return this.page.locator('.tabs-container .tab', { has: this.page.locator('.label-name', { hasText: label }) });
  }

  // ---- explorer ---------------------------------------------------------------------------

  /** Shows the Explorer view (Ctrl+Shift+E). */
  async showExplorer(): Promise<void> {
    const view = this.page.locator('.explorer-folders-view');
    if (await view.isVisible()) return;
    await this.runCommand('View: Show Explorer');
    await view.waitFor({ state: 'visible', timeout: 10_000 });
  }

  /** An Explorer row by its path relative to the workspace root ("a.txt", "data/x.onnx"). */
  explorerItem(relPath: string): Locator {
    const base = relPath.split('/').pop()!;
    return this.page.locator('.explorer-folders-view .monaco-list-row', {
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(base)}$`) }),
    });
  }

  /** Expands folders on the way and returns the row for `relPath`. */
  async revealInExplorer(relPath: string, timeoutMs = 15_000): Promise<Locator> {
    await this.showExplorer();
    const parts = relPath.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = this.explorerItem(parts.slice(0, i).join('/')).first();
      await folder.waitFor({ state: 'visible', timeout: timeoutMs });
      if ((await folder.getAttribute('aria-expanded')) === 'false') await folder.click();
    }
    const row = this.explorerItem(relPath).first();
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    return row;
  }

  /**
   * Right-clicks a file in the Explorer and picks a context-menu entry; pass an array to
   * walk a submenu (["Open With...", "Text Editor"]).
   */
  async explorerContextMenu(relPath: string, entry: string | string[], timeoutMs = 15_000): Promise<void> {
    const row = await this.revealInExplorer(relPath, timeoutMs);
    await row.click({ button: 'right' });
    await this.pickContextMenu(entry, timeoutMs);
  }

  /** Picks an entry in the open context menu (they live in a shadow root; CSS locators pierce it). */
  async pickContextMenu(entry: string | string[], timeoutMs = 15_000): Promise<void> {
    const path = Array.isArray(entry) ? entry : [entry];
    for (let i = 0; i < path.length; i++) {
      const menus = this.page.locator('.context-view .monaco-menu');
      const item = menus
        .locator('.action-item:not(.disabled) .action-label', { hasText: new RegExp(`^\\s*${escapeRegExp(path[i]!)}\\s*$`) })
        .last();
      await item.waitFor({ state: 'visible', timeout: timeoutMs });
      if (i < path.length - 1) await item.hover();
      else await this.clickUntilMenuCloses(item, menus.first());
    }
  }

  /**
   * A click can land while a context menu is still being laid out (after focus moves, e.g. from
   * the terminal): the menu stays open and nothing is invoked. Click again then; an invoked entry
   * closes the menu, so a second click never runs it twice.
   */
  private async clickUntilMenuCloses(item: Locator, menu: Locator): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await item.click();
      const closed = await menu.waitFor({ state: 'hidden', timeout: 1_500 }).then(() => true, () => false);
      if (closed || attempt === 3) return;
    }
  }

  // ---- notifications ----------------------------------------------------------------------

  /** Waits for a notification toast whose text contains `text`; returns the toast. */
  async waitForNotification(text: string | RegExp, timeoutMs = 30_000): Promise<Locator> {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page.waitForTimeout(300); // let the toast's fade-in finish (screenshots)
    return toast;
  }

  /** Clicks a button ("Open", "Cancel") on the toast containing `text`. */
  async clickNotificationButton(text: string | RegExp, button: string, timeoutMs = 30_000): Promise<void> {
    const toast = await this.waitForNotification(text, timeoutMs);
    await toast.locator('.monaco-button', { hasText: button }).first().click();
  }

  /** Texts of the notification toasts visible now. */
  async notificationTexts(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-toast .notification-list-item-message').allInnerTexts();
  }

  // ---- webviews ---------------------------------------------------------------------------

  /**
   * The content frame of a webview panel. VS Code webviews are two iframes deep: the
   * workbench holds `iframe.webview` (VS Code's host page, laid over the editor group) and
   * that page holds `iframe#active-frame`, which has the extension's HTML. Only visible
   * webviews count. `title` matches the panel's editor-tab title; `hasText` the content.
   */
  async webviewFrame(opts: { title?: string | RegExp; hasText?: string | RegExp; timeoutMs?: number } = {}): Promise<Frame> {
    const end = Date.now() + (opts.timeoutMs ?? 30_000);
    let seen = 0;
    for (;;) {
      const outers = this.page.locator('iframe.webview');
      const n = await outers.count();
      seen = n;
      for (let i = 0; i < n; i++) {
        const outer = outers.nth(i);
        if (!(await outer.isVisible().catch(() => false))) continue;
        if (opts.title !== undefined) {
          const title = (await this.webviewTitle(outer)) ?? '';
          if (!matches(title, opts.title)) continue;
        }
        const outerFrame = await (await outer.elementHandle().catch(() => null))?.contentFrame();
        const innerEl = outerFrame ? await outerFrame.$('iframe#active-frame').catch(() => null) : null;
        const inner = innerEl ? await innerEl.contentFrame() : null;
        if (!inner) continue;
        if (opts.hasText !== undefined) {
          const text = await frameText(inner).catch(() => '');
          if (!matches(text, opts.hasText)) continue;
        }
        return inner;
      }
      if (Date.now() > end) {
        throw new Error(`no visible webview${opts.title ? ` titled ${opts.title}` : ''}${opts.hasText ? ` containing ${opts.hasText}` : ''} (${seen} webview iframes on the page)`);
      }
      await sleep(250);
    }
  }

  /**
   * The title of the editor tab a webview iframe belongs to. Webview iframes are not
   * inside their editor group's DOM (VS Code lays them over it), so this finds the group
   * whose box holds the iframe's centre and reads its active tab.
   */
  private async webviewTitle(outer: Locator): Promise<string | undefined> {
    const box = await outer.boundingBox().catch(() => null);
    if (!box) return undefined;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const groups = this.page.locator('.editor-group-container');
    const n = await groups.count();
    for (let i = 0; i < n; i++) {
      const g = groups.nth(i);
      const gb = await g.boundingBox().catch(() => null);
      if (!gb || cx < gb.x || cx > gb.x + gb.width || cy < gb.y || cy > gb.y + gb.height) continue;
      const label = g.locator('.tab.active .label-name, .title-label .label-name').first();
      return (await label.count()) ? (await label.innerText()).trim() : undefined;
    }
    return undefined;
  }

  /** The visible text of a webview panel's content (see webviewFrame). */
  async webviewText(opts: { title?: string | RegExp; hasText?: string | RegExp; timeoutMs?: number } = {}): Promise<string> {
    const frame = await this.webviewFrame(opts);
    return frameText(frame);
  }

  // ---- misc -------------------------------------------------------------------------------

  /** Focuses the terminal panel's active terminal (opening one if needed). */
  async focusTerminal(timeoutMs = 20_000): Promise<Locator> {
    const term = this.page.locator('.part.panel .terminal-wrapper.active .xterm, .part.panel .terminal-wrapper .xterm').first();
    if (!(await term.isVisible().catch(() => false))) await this.runCommand('Terminal: Focus Terminal');
    await term.waitFor({ state: 'visible', timeout: timeoutMs });
    await term.click();
    return term;
  }

  /** Types a line into the focused terminal and waits for `expect` to appear in its text. */
  async terminalRun(line: string, expect: string | RegExp, timeoutMs = 20_000): Promise<void> {
    const term = await this.focusTerminal(timeoutMs);
    // Wait for the shell's prompt (any text) so the line is not typed ahead of it.
    await term.locator('.xterm-rows', { hasText: /\S/ }).waitFor({ timeout: timeoutMs });
    await this.page.keyboard.type(line);
    await this.page.keyboard.press('Enter');
    await term.locator('.xterm-rows', { hasText: expect }).waitFor({ timeout: timeoutMs });
  }

  /** Text of the status bar. */
  async statusBarText(): Promise<string> {
    return this.page.locator('.part.statusbar').innerText();
  }

  private async focusWorkbench(): Promise<void> {
    // Keys go to the focused element; make sure it is the workbench and not a webview
    // (a focused webview iframe swallows F1) or a closed widget.
    // (Page functions are passed as strings: this file is type-checked without DOM libs.)
    const focusedInWebview = await this.page.evaluate(`document.activeElement?.tagName === 'IFRAME'`).catch(() => false);
    if (focusedInWebview) await this.page.locator('.part.statusbar').click({ position: { x: 2, y: 2 } }).catch(() => {});
  }

  /** Stops the browser and code-server (by pid) and removes the temp dir. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.watchdog) clearTimeout(this.watchdog);
    await Promise.race([this.context.close().catch(() => {}), sleep(3000)]);
    await this.browserHandle.close();
    await this.server.stop();
  }
}

/** Starts code-server and Chromium, opens the workspace and waits for the workbench. */
export async function openWorkbench(opts: WorkbenchOptions = {}): Promise<Workbench> {
  const timings: Timings = {};
  const name = opts.name ?? 'session';
  const server = await startCodeServer(opts, timings);
  let browserHandle: BrowserHandle | undefined;
  let wb: Workbench | undefined;
  try {
    browserHandle = await launchBrowser(timings);
    const context = await browserHandle.browser.newContext({ viewport: opts.viewport ?? { width: 1600, height: 1000 } });
    const page = await context.newPage();
    wb = new Workbench(name, server, browserHandle, context, page, timings, opts.resultsDir ? resolve(opts.resultsDir) : RESULTS_DIR, opts.onConsole);
    wb.armWatchdog(opts.hardTimeoutMs ?? 180_000);
    const w = wb;
    // VS Code web calls window.codeAutomationExit(code, logs) when the extension host
    // exits after running extensionTestsPath (what @vscode/test-web listens to).
    if (opts.extensionTestsPath) {
      await page.exposeFunction('codeAutomationExit', (code: number, logs: unknown) => w.extensionTestsExited(code, logs));
    }

    const params = new URLSearchParams({ folder: server.workspace });
    const payload: [string, string][] = [];
    const authority = `127.0.0.1:${server.port}`;
    const devPaths = opts.extensionDevelopmentPath === undefined ? [] : Array.isArray(opts.extensionDevelopmentPath) ? opts.extensionDevelopmentPath : [opts.extensionDevelopmentPath];
    for (const p of devPaths) payload.push(['extensionDevelopmentPath', remoteUri(authority, p)]);
    if (opts.extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(authority, opts.extensionTestsPath)]);
    if (payload.length) params.set('payload', JSON.stringify(payload));

    const t0 = Date.now();
    await page.goto(`${server.url}/?${params}`, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ state: 'attached', timeout: 60_000 });
    if (opts.waitForExplorer ?? readdirSync(server.workspace).length > 0) {
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
    }
    timings.workbenchReadyMs = Date.now() - t0;

    const trust = opts.trust ?? 'trusted';
    const t1 = Date.now();
    if (trust === 'trusted') {
      await wb.answerTrustDialog('trust');
      await wb.restrictedModeIndicator().waitFor({ state: 'detached', timeout: 10_000 });
    } else if (trust === 'restricted') {
      // An Extension Development Host may start in Restricted Mode without asking.
      const asked = await wb.trustButton('restrict').waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false);
      if (asked) await wb.answerTrustDialog('restrict');
      await wb.restrictedModeIndicator().waitFor({ state: 'visible', timeout: 10_000 });
    }
    timings.trustMs = Date.now() - t1;
    return wb;
  } catch (e) {
    if (wb) {
      await wb.screenshot('startup-failure').catch(() => {});
      wb.saveLogs('startup-failure');
      await wb.close();
    } else {
      await browserHandle?.close();
      await server.stop();
    }
    throw e;
  }
}

/**
 * openWorkbench + body + close, with a screenshot and logs saved when the body throws
 * (`test-results/e2e/<name>-failure.png`, `<name>-code-server.failure.txt`, ...).
 */
export async function withWorkbench<T>(opts: WorkbenchOptions, body: (wb: Workbench) => Promise<T>): Promise<T> {
  const wb = await openWorkbench(opts);
  try {
    return await body(wb);
  } catch (e) {
    await wb.screenshot('failure').catch(() => {});
    wb.saveLogs('failure');
    throw e;
  } finally {
    await wb.close();
  }
}

// ---------------------------------------------------------------------------------------
// small helpers

/** `vscode-remote://127.0.0.1:PORT/abs/path`: a server path as the web workbench names it. */
export function remoteUri(authority: string, absPath: string): string {
  const p = resolve(absPath)
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
  return `vscode-remote://${authority}${p}`;
}

/**
 * Zips an extension folder into a minimal .vsix (manifest, content types, `extension/...`)
 * that `--install-extension` accepts. For TEST FIXTURES only: the product's .vsix comes
 * from `npm run package` (@vscode/vsce), and that is what the product's e2e tests install.
 */
export function packVsix(extensionDir: string, outFile: string): string {
  const pkg = JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8')) as {
    name: string;
    publisher: string;
    version: string;
    displayName?: string;
    description?: string;
    engines: { vscode: string };
  };
  const xml = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const manifest = `<?xml version="1.0" encoding="utf-8"?>
<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011" xmlns:d="http://schemas.microsoft.com/developer/vsx-schema-design/2011">
  <Metadata>
    <Identity Language="en-US" Id="${xml(pkg.name)}" Version="${xml(pkg.version)}" Publisher="${xml(pkg.publisher)}" />
    <DisplayName>${xml(pkg.displayName ?? pkg.name)}</DisplayName>
    <Description xml:space="preserve">${xml(pkg.description ?? '')}</Description>
    <Properties>
      <Property Id="Microsoft.VisualStudio.Code.Engine" Value="${xml(pkg.engines.vscode)}" />
    </Properties>
  </Metadata>
  <Installation><InstallationTarget Id="Microsoft.VisualStudio.Code" /></Installation>
  <Dependencies />
  <Assets>
    <Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true" />
  </Assets>
</PackageManifest>
`;
  const contentTypes = `<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension=".json" ContentType="application/json" /><Default Extension=".js" ContentType="application/javascript" /><Default Extension=".vsixmanifest" ContentType="text/xml" /></Types>
`;
  const entries: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(contentTypes),
    'extension.vsixmanifest': strToU8(manifest),
  };
  for (const rel of readdirSync(extensionDir, { recursive: true }).map(String)) {
    const abs = join(extensionDir, rel);
    if (statSync(abs).isFile()) entries[`extension/${rel.split(sep).join('/')}`] = readFileSync(abs);
  }
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, zipSync(entries));
  return outFile;
}

/** The rendered text of a frame's body (innerText: what a user sees, not hidden markup). */
async function frameText(frame: Frame): Promise<string> {
  return String(await frame.evaluate(`document.body ? document.body.innerText : ''`));
}

function sanitize(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function matches(text: string, m: string | RegExp): boolean {
  return typeof m === 'string' ? text.includes(m) : m.test(text);
}

/** Reads a file the extension (or a test extension) wrote, waiting until it exists. */
export async function waitForFile(path: string, timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > end) throw new Error(`${path} did not appear within ${timeoutMs} ms`);
    await sleep(100);
  }
  return readFileSync(path, 'utf8');
}
