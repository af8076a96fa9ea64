// Reads DuckDB's parser and binder errors: the message, its kind, and the offset in the SQL that the
// error's caret ("LINE n: …\n   ^") points at, so the caller can map it back to the template.

export interface SqlError {
  /** 'Parser', 'Binder', 'Catalog', ... as DuckDB names the error class. */
  kind: string;
  /** The first line of the message, without the "Binder Error: " prefix. */
  message: string;
  /** Offset in the SQL the caret points at, when the error carries a position. */
  offset?: number;
  /** For an unknown column: the name and DuckDB's candidate bindings. */
  unknownColumn?: { name: string; candidates: string[] };
}

export function parseSqlError(sql: string, raw: string): SqlError {
  const text = raw.replace(/^Failed to extract statements: /, '');
  const head = /^(\w+) Error: ([\s\S]*)$/.exec(text);
  const kind = head ? head[1] : 'Unknown';
  const body = head ? head[2] : text;
  const message = body.split('\n')[0].trim();
  const result: SqlError = { kind, message, offset: caretOffset(sql, body) };
  const column =
    /^Referenced column "([^"]+)" not found/.exec(message) ??
    /^(?:Table|Values list) "[^"]+" does not have a column named "([^"]+)"/.exec(message) ??
    /^Column "([^"]+)" in (?:EXCLUDE|REPLACE) list not found/.exec(message) ??
    /^Column "([^"]+)" does not exist on (?:left|right) side of join/.exec(message);
  if (column) {
    const candidates = /Candidate bindings: (.*)/.exec(body);
    result.unknownColumn = {
      name: column[1],
      candidates: candidates ? [...candidates[1].matchAll(/"([^"]+)"/g)].map((m) => m[1].replace(/^.*\./, '')) : [],
    };
  }
  return result;
}

/** DuckDB prints the SQL line (possibly cut to a window with "...") and a caret under the position. */
function caretOffset(sql: string, body: string): number | undefined {
  const m = /LINE (\d+): (.*)\n( *)\^/.exec(body);
  if (!m) return undefined;
  const lineNumber = Number(m[1]);
  let shown = m[2];
  let column = m[3].length - `LINE ${m[1]}: `.length;
  const lines = sql.split('\n');
  if (lineNumber < 1 || lineNumber > lines.length) return undefined;
  let lineStart = 0;
  for (let i = 0; i < lineNumber - 1; i++) lineStart += lines[i].length + 1;
  const line = lines[lineNumber - 1];
  if (shown.startsWith('...')) {
    shown = shown.slice(3);
    column -= 3;
  }
  if (shown.endsWith('...')) shown = shown.slice(0, -3);
  const at = line.indexOf(shown);
  if (at < 0 || column < 0) return undefined;
  return lineStart + at + column;
}
