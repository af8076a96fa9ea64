// The index cache on disk (like dbt's target/partial_parse.msgpack): parsed schema YAML from the last
// session, so reopening a large project skips most of the YAML parsing. Invalidated when the server
// bundle changes (a new parser) and per file by a hash of its text.
import { mkdirSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import type { CachedSummaries, SummaryCache } from '../analysis/workspace.js';

const FILE = 'target/medallion-index.json';
const FORMAT = 1;

export class IndexCache implements SummaryCache {
  private readonly file: string;
  private readonly key: string;

  constructor(root: string, parser: string) {
    this.file = path.join(root, FILE);
    const stat = statSync(parser);
    this.key = `${FORMAT}:${stat.size}:${stat.mtimeMs}`;
  }

  async load(): Promise<CachedSummaries | undefined> {
    let json: { key?: string; entries?: Record<string, { hash: string; result: any }> };
    try {
      json = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      return undefined;
    }
    if (json.key !== this.key || !json.entries) return undefined;
    return new Map(Object.entries(json.entries));
  }

  async save(entries: CachedSummaries): Promise<void> {
    mkdirSync(path.dirname(this.file), { recursive: true });
    // Written aside and renamed, so a reader never sees half a file.
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ key: this.key, entries: Object.fromEntries(entries) }));
    renameSync(temp, this.file);
  }
}
