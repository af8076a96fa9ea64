// Dead letters of a bronze load: one JSONL object per source file with rejected records, named by the
// hash of its content (as ingest names files), so reloading the same files writes nothing twice.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, promises as fsp, type WriteStream } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { Lake } from '../lake/lake.js';

/** One rejected record as the loader's query writes it (JSON lines, ordered by file). */
interface Rejected {
  source: string;
  /** The lake key of the file it came from. */
  file: string;
  /** The local copy of that file, to read original bytes back from. */
  path: string;
  /** The line of a record the file reader could not parse; null for a record the contract refused. */
  line: number | null;
  /** Its byte offset in the file, when known. */
  offset: number | null;
  /** True when the record's bytes are not UTF-8, so `record` could only show them replaced. */
  encoding: boolean | null;
  reason: string;
  record: string | null;
}

/** The original bytes of an undecodable record are kept up to this size. */
const MAX_ORIGINAL_BYTES = 1024 * 1024;

/**
 * Turns the loader's rejected records (`rows`, a JSONL file ordered by file) into dead-letter objects
 * under `prefix`, one per source file, skipping those already in the lake. Returns every key they are at.
 */
export async function writeDeadLetters(lake: Lake, prefix: string, rows: string, tempDir: string): Promise<string[]> {
  const existing = new Set((await lake.list(prefix)).map((o) => o.key));
  const keys: string[] = [];
  let group: { file: string; out: WriteStream; temp: string; hash: ReturnType<typeof createHash> } | undefined;
  const finish = async (): Promise<void> => {
    if (!group) return;
    const { out, temp, hash } = group;
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    const key = `${prefix}${hash.digest('hex').slice(0, 32)}.jsonl`;
    if (!existing.has(key)) await lake.putFile(key, temp);
    existing.add(key);
    keys.push(key);
    await fsp.rm(temp, { force: true });
    group = undefined;
  };
  for await (const text of createInterface({ input: createReadStream(rows), crlfDelay: Infinity })) {
    if (!text) continue;
    const row = JSON.parse(text) as Rejected;
    if (group?.file !== row.file) {
      await finish();
      // Named after this load's rows file: sources loading in parallel share the run's scratch folder.
      const temp = path.join(tempDir, `${path.basename(rows, '.jsonl')}-letter-${keys.length}.jsonl`);
      group = { file: row.file, out: createWriteStream(temp), temp, hash: createHash('sha256') };
    }
    const line = JSON.stringify(await deadLetter(row)) + '\n';
    group.hash.update(line);
    if (!group.out.write(line)) await once(group.out, 'drain');
  }
  await finish();
  return keys;
}

/** What a dead letter says: where the record was, why it failed, the record, and its bytes when they are not text. */
async function deadLetter(row: Rejected): Promise<Record<string, unknown>> {
  const letter: Record<string, unknown> = { source: row.source, file: row.file };
  if (row.line !== null) letter.line = row.line;
  letter.reason = row.reason;
  letter.record = row.record;
  if (row.encoding && row.offset !== null) letter.record_base64 = (await lineBytes(row.path, row.offset)).toString('base64');
  return letter;
}

/** The bytes of the line starting at `offset`, up to its newline (or MAX_ORIGINAL_BYTES). */
async function lineBytes(file: string, offset: number): Promise<Buffer> {
  const handle = await fsp.open(file, 'r');
  try {
    const buffer = Buffer.alloc(MAX_ORIGINAL_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    const bytes = buffer.subarray(0, bytesRead);
    const end = bytes.indexOf(0x0a);
    return Buffer.from(end < 0 ? bytes : bytes.subarray(0, end));
  } finally {
    await handle.close();
  }
}
