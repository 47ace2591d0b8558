// Progress while crawling (throttled) and the summary at the end, Chinese first, English after.
export class Progress {
  private pagesByColumn = new Map<string, number>();
  private linksChecked = 0;
  private lastAt = 0;

  constructor(
    private readonly log: (line: string) => void,
    private readonly columnNames: Map<string, string>,
    private readonly counters: () => { requests: number; errors: number; pendingChecks: number },
    private readonly everyMs = 2000,
    private readonly now: () => number = Date.now,
  ) {}

  page(columnId: string): void {
    this.pagesByColumn.set(columnId, (this.pagesByColumn.get(columnId) ?? 0) + 1);
    this.tick();
  }

  checked(): void {
    this.linksChecked++;
    this.tick();
  }

  /** Print a line when the last one is old enough. */
  tick(force = false): void {
    const t = this.now();
    if (!force && t - this.lastAt < this.everyMs) return;
    this.lastAt = t;
    this.log(this.line());
  }

  line(): string {
    const c = this.counters();
    const pages = [...this.pagesByColumn.values()].reduce((a, b) => a + b, 0);
    const perColumn = [...this.pagesByColumn]
      .map(([id, n]) => `${this.columnNames.get(id) ?? id} ${n}`)
      .slice(0, 12)
      .join("，");
    return (
      `[进度 progress] 页面 pages ${pages}（${perColumn || "-"}）· 已查链接 links checked ${this.linksChecked}` +
      `（待查 pending ${c.pendingChecks}）· 请求 requests ${c.requests} · 错误 errors ${c.errors}`
    );
  }
}
