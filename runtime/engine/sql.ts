// Quoting for SQL text the runtime generates (identifiers, string literals, relations).

export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** '"schema"."name"' from its parts. */
export function relation(schema: string, name: string): string {
  return qualified(schema, name);
}

/** The unquoted parts of a relation '"db"."schema"."name"', '"schema"."name"' or schema.name, in order. */
export function relationParts(rel: string): string[] {
  const parts: string[] = [];
  const re = /"((?:[^"]|"")*)"|([^."]+)/g;
  for (let m = re.exec(rel); m; m = re.exec(rel)) parts.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
  return parts;
}

/** Splits an already-quoted relation '"schema"."name"' (or schema.name) into its parts. */
export function splitRelation(rel: string): { schema: string; name: string } {
  const parts = relationParts(rel);
  return parts.length >= 2 ? { schema: parts[parts.length - 2], name: parts[parts.length - 1] } : { schema: 'main', name: parts[0] ?? rel };
}

/** 'schema.name', lower case, from a quoted relation '"schema"."name"': the key a relation is looked up by. */
export function relationKey(rel: string): string {
  const parts = relationParts(rel).map((p) => p.toLowerCase());
  return parts.length >= 2 ? `${parts[parts.length - 2]}.${parts[parts.length - 1]}` : `main.${parts[0] ?? ''}`;
}

/** '"a"."b"."c"' from its unquoted parts. */
export function qualified(...parts: string[]): string {
  return parts.map(ident).join('.');
}

/** A list of string literals for DuckDB: ['a', 'b']. */
export function literalList(values: string[]): string {
  return `[${values.map(literal).join(', ')}]`;
}
