// How a bronze CSV source is read, decided without DuckDB's sniffer (which gives up on a 50 MB line
// and reads a file with an unterminated quote as one column): the declared options, else RFC 4180
// quoting, the most frequent of , ; tab | in the header line, and the header's names (csv-parse).
import { promises as fsp } from 'node:fs';
import { parse } from 'csv-parse/sync';

export interface CsvDialect {
  delim: string;
  quote: string;
  escape: string;
  header: boolean;
  skip: number;
  /** The file's columns, in order: the header's names, or column0… without a header. */
  names: string[];
}

/** The header is looked for in this much of the file. */
const HEAD_BYTES = 1024 * 1024;
const DELIMITERS = [',', ';', '\t', '|'];

/** The dialect of `file` under the source's options (delim/delimiter, quote, escape, header, skip). */
export async function csvDialect(file: string, options: Record<string, unknown>): Promise<CsvDialect> {
  const text = (await head(file)).replace(/^\uFEFF/, '');
  const skip = typeof options.skip === 'number' ? options.skip : 0;
  const lines = text.split('\n');
  const first = (lines[skip] ?? '').replace(/\r$/, '');
  const declared = options.delim ?? options.delimiter;
  const delim = typeof declared === 'string' ? declared : mostFrequent(first);
  const quote = typeof options.quote === 'string' ? options.quote : '"';
  const escape = typeof options.escape === 'string' ? options.escape : quote;
  const header = options.header !== false;
  const fields = headerFields(first, delim, quote, escape);
  const names = header ? fields.map((f, i) => f.trim() || `column${i}`) : fields.map((_, i) => `column${i}`);
  return { delim, quote, escape, header, skip, names };
}

async function head(file: string): Promise<string> {
  const handle = await fsp.open(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

function mostFrequent(line: string): string {
  const count = (d: string): number => line.split(d).length;
  return DELIMITERS.reduce((best, d) => (count(d) > count(best) ? d : best));
}

/** The fields of one line; a line csv-parse refuses is split on the delimiter alone. */
function headerFields(line: string, delim: string, quote: string, escape: string): string[] {
  if (line === '') return [];
  try {
    const rows = parse(line, { delimiter: delim, quote: quote || false, escape: escape || quote || '"', relax_column_count: true }) as string[][];
    return rows[0] ?? [];
  } catch {
    return line.split(delim);
  }
}
