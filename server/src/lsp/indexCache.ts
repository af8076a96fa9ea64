// The index cache on disk (like dbt's target/partial_parse.msgpack): parsed schema YAML and the
// binder's results from the last session, so reopening a large project skips most of the YAML parsing
// and shows bound types and diagnostics before binding again (analysis/warmStart.ts checks each one).
// Invalidated when the server bundle changes (a new parser or binder); per file by a hash of its text.
import { mkdirSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import type { CachedSummaries, SummaryCache } from '../analysis/workspace.js';
import type { BindingStore, CachedBindings } from '../analysis/warmStart.js';

const SUMMARIES = 'target/medallion-index.json';
const BINDINGS = 'target/medallion-bound.json';
const FORMAT = 2;

export class IndexCache implements SummaryCache, BindingStore {
  private readonly key: string;

  constructor(private readonly root: string, parser: string) {
    const stat = statSync(parser);
    this.key = `${FORMAT}:${stat.size}:${stat.mtimeMs}`;
  }

  async load(): Promise<CachedSummaries | undefined> {
    return this.read(SUMMARIES);
  }

  async save(entries: CachedSummaries): Promise<void> {
    this.write(SUMMARIES, entries);
  }

  loadBindings(): CachedBindings | undefined {
    return this.read(BINDINGS);
  }

  saveBindings(bindings: CachedBindings): void {
    this.write(BINDINGS, bindings);
  }

  private read<V>(file: string): Map<string, V> | undefined {
    let json: { key?: string; entries?: Record<string, V> };
    try {
      json = JSON.parse(readFileSync(path.join(this.root, file), 'utf8'));
    } catch {
      return undefined;
    }
    if (json.key !== this.key || !json.entries) return undefined;
    return new Map(Object.entries(json.entries));
  }

  private write<V>(file: string, entries: Map<string, V>): void {
    const target = path.join(this.root, file);
    mkdirSync(path.dirname(target), { recursive: true });
    // Written aside and renamed, so a reader never sees half a file.
    const temp = `${target}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ key: this.key, entries: Object.fromEntries(entries) }));
    renameSync(temp, target);
  }
}
