// Model contracts, pure: type-name normalization and the comparison of a model's output columns with
// its declared columns. Shared by the runner (before a model runs) and the language server (as you type).
import type { ColumnSpec } from '../project/types.js';

export type ContractReason = 'missing in definition' | 'missing in contract' | 'data type mismatch';

export interface ContractMismatch {
  column: string;
  /** The type the model's SQL produces; undefined when the column is not in the model. */
  modelType?: string;
  /** The type the contract declares; undefined when the column is not in the contract. */
  contractType?: string;
  reason: ContractReason;
  /** The contract column (for diagnostics on the YAML), when there is one. */
  spec?: ColumnSpec;
}

const ALIASES: Record<string, string> = {
  int: 'INTEGER', int4: 'INTEGER', integer: 'INTEGER', signed: 'INTEGER', int32: 'INTEGER',
  bigint: 'BIGINT', int8: 'BIGINT', long: 'BIGINT', int64: 'BIGINT',
  smallint: 'SMALLINT', int2: 'SMALLINT', short: 'SMALLINT', int16: 'SMALLINT',
  tinyint: 'TINYINT', int1: 'TINYINT',
  hugeint: 'HUGEINT', int128: 'HUGEINT',
  ubigint: 'UBIGINT', uinteger: 'UINTEGER', usmallint: 'USMALLINT', utinyint: 'UTINYINT', uhugeint: 'UHUGEINT',
  varchar: 'VARCHAR', text: 'VARCHAR', string: 'VARCHAR', char: 'VARCHAR', bpchar: 'VARCHAR', nvarchar: 'VARCHAR',
  'character varying': 'VARCHAR', character: 'VARCHAR',
  boolean: 'BOOLEAN', bool: 'BOOLEAN', logical: 'BOOLEAN',
  double: 'DOUBLE', float8: 'DOUBLE', 'double precision': 'DOUBLE', float64: 'DOUBLE',
  float: 'FLOAT', float4: 'FLOAT', real: 'FLOAT', float32: 'FLOAT',
  decimal: 'DECIMAL', numeric: 'DECIMAL',
  date: 'DATE',
  timestamp: 'TIMESTAMP', datetime: 'TIMESTAMP', 'timestamp without time zone': 'TIMESTAMP',
  timestamptz: 'TIMESTAMP WITH TIME ZONE', 'timestamp with time zone': 'TIMESTAMP WITH TIME ZONE',
  timestamp_us: 'TIMESTAMP', timestamp_ms: 'TIMESTAMP_MS', timestamp_s: 'TIMESTAMP_S', timestamp_ns: 'TIMESTAMP_NS',
  time: 'TIME', 'time without time zone': 'TIME', timetz: 'TIME WITH TIME ZONE', 'time with time zone': 'TIME WITH TIME ZONE',
  interval: 'INTERVAL', uuid: 'UUID', json: 'JSON',
  blob: 'BLOB', bytea: 'BLOB', binary: 'BLOB', varbinary: 'BLOB',
};

/**
 * The canonical DuckDB spelling of a type name: aliases resolved, case and spaces normalized,
 * string lengths dropped (DuckDB ignores them), DECIMAL without arguments as DECIMAL(18,3).
 */
export function normalizeType(type: string): string {
  const t = type.trim().replace(/\s+/g, ' ');
  const list = /^(.*)\[(\d*)\]$/.exec(t);
  if (list) return `${normalizeType(list[1])}[${list[2]}]`;
  const call = /^([a-z_ ]+?)\s*\((.*)\)$/i.exec(t);
  if (call) {
    const base = ALIASES[call[1].toLowerCase()] ?? call[1].toUpperCase();
    if (base === 'VARCHAR') return 'VARCHAR';
    if (base === 'DECIMAL') return `DECIMAL(${call[2].split(',').map((p) => p.trim()).join(',')})`;
    // STRUCT(...), MAP(...), UNION(...), ENUM(...): compare the normalized text.
    return `${base}(${call[2].replace(/\s*,\s*/g, ', ')})`;
  }
  const known = ALIASES[t.toLowerCase()];
  if (known === 'DECIMAL') return 'DECIMAL(18,3)';
  return known ?? t.toUpperCase();
}

/** True when a model's type satisfies a contract's type. A bare decimal/numeric accepts any precision. */
export function typesMatch(modelType: string, contractType: string): boolean {
  const model = normalizeType(modelType);
  const contract = normalizeType(contractType);
  if (model === contract) return true;
  if (/^(decimal|numeric)$/i.test(contractType.trim())) return model.startsWith('DECIMAL(');
  return false;
}

/** Compares output columns (from binding) with the contract's columns: names case-insensitively, types, count. */
export function compareContract(actual: Array<{ name: string; type: string }>, contract: ColumnSpec[]): ContractMismatch[] {
  const out: ContractMismatch[] = [];
  const byName = new Map(actual.map((c) => [c.name.toLowerCase(), c]));
  const declared = new Set(contract.map((c) => c.name.toLowerCase()));
  for (const spec of contract) {
    const column = byName.get(spec.name.toLowerCase());
    if (!column) {
      out.push({ column: spec.name, contractType: spec.dataType, reason: 'missing in definition', spec });
    } else if (spec.dataType && !typesMatch(column.type, spec.dataType)) {
      out.push({ column: spec.name, modelType: column.type, contractType: spec.dataType, reason: 'data type mismatch', spec });
    }
  }
  for (const column of actual) {
    if (!declared.has(column.name.toLowerCase())) out.push({ column: column.name, modelType: column.type, reason: 'missing in contract' });
  }
  return out;
}

/** dbt's contract error: a short explanation and a table of column, model type, contract type, reason. */
export function formatContractError(model: string, mismatches: ContractMismatch[]): string {
  const header = ['column', 'model type', 'contract type', 'reason'];
  const rows = mismatches.map((m) => [m.column, m.modelType ?? '', m.contractType ?? '', m.reason]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    `The model ${model} has an enforced contract that failed.`,
    'Make the name, data type and number of columns in the contract match the columns the model selects.',
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}
