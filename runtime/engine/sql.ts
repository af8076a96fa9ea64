// Quoting for SQL text the runtime generates (identifiers, string literals, relations).

export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** '"schema"."name"' from its parts. */
export function relation(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`;
}

/** Splits an already-quoted relation '"schema"."name"' (or schema.name) into its parts. */
export function splitRelation(rel: string): { schema: string; name: string } {
  const parts: string[] = [];
  const re = /"((?:[^"]|"")*)"|([^."]+)/g;
  for (let m = re.exec(rel); m; m = re.exec(rel)) parts.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
  return parts.length >= 2 ? { schema: parts[parts.length - 2], name: parts[parts.length - 1] } : { schema: 'main', name: parts[0] ?? rel };
}

/** A list of string literals for DuckDB: ['a', 'b']. */
export function literalList(values: string[]): string {
  return `[${values.map(literal).join(', ')}]`;
}
