/** A one-line progress bar on stderr, only when stderr is a terminal. */
export class ProgressBar {
  private last = 0;
  constructor(private readonly stream: NodeJS.WriteStream, private readonly enabled: boolean) {}

  update(done: number, total: number | undefined, note = ''): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 80 && (total === undefined || done < total)) return;
    this.last = now;
    const width = 30;
    let line: string;
    if (total && total > 0) {
      const f = Math.min(1, done / total);
      const filled = Math.round(f * width);
      line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${(f * 100).toFixed(0)}%`;
    } else {
      line = `${done} examples`;
    }
    this.stream.write(`\r${line} ${note}`.padEnd(this.stream.columns ? this.stream.columns - 1 : 79));
  }

  clear(): void {
    if (this.enabled) this.stream.write('\r'.padEnd(this.stream.columns ? this.stream.columns - 1 : 79) + '\r');
  }
}
