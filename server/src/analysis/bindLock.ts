// The binder's one DuckDB connection: binding work runs one statement at a time, and the editor's
// requests (urgent) go before the background pass.
export class Lock {
  private tail: Promise<void> = Promise.resolve();
  private urgent = 0;

  async run<T>(work: () => Promise<T>, urgent: boolean): Promise<T> {
    if (urgent) this.urgent++;
    else while (this.urgent > 0) await new Promise((r) => setImmediate(r));
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise((r) => (release = r));
    await previous;
    try {
      return await work();
    } finally {
      if (urgent) this.urgent--;
      release();
    }
  }
}
