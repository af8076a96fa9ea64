// Fixed vocabularies the editor offers: config() keys and values, Jinja keywords and functions,
// dbt schema YAML keys, generic test names, DuckDB types.

export interface ConfigKey {
  name: string;
  detail: string;
  values?: string[];
}

export const CONFIG_KEYS: ConfigKey[] = [
  { name: 'materialized', detail: 'view | table | incremental | ephemeral', values: ['view', 'table', 'incremental', 'ephemeral'] },
  { name: 'unique_key', detail: 'column(s) identifying a row, for incremental merges' },
  { name: 'incremental_strategy', detail: 'merge | append | delete+insert', values: ['merge', 'append', 'delete+insert'] },
  { name: 'on_schema_change', detail: 'what an incremental run does when columns change', values: ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'] },
  { name: 'schema', detail: 'DuckDB schema the model is created in' },
  { name: 'tags', detail: 'list of tags for tag: selectors' },
  { name: 'partition_by', detail: 'columns the Parquet output is partitioned by' },
  { name: 'layer', detail: 'bronze | silver | gold', values: ['bronze', 'silver', 'gold'] },
  { name: 'enabled', detail: 'false disables the model', values: ['true', 'false'] },
  { name: 'alias', detail: 'relation name instead of the file name' },
  { name: 'contract', detail: "{'enforced': true} checks columns against the schema YAML" },
  { name: 'pre_hook', detail: 'SQL run before the node is built (a string or a list)' },
  { name: 'post_hook', detail: 'SQL run after the node is built (a string or a list)' },
  // Snapshots.
  { name: 'strategy', detail: 'snapshot: timestamp (updated_at) | check (check_cols)', values: ['timestamp', 'check'] },
  { name: 'updated_at', detail: 'snapshot (timestamp): the column holding when a record last changed' },
  { name: 'check_cols', detail: "snapshot (check): 'all' or the columns compared" },
  { name: 'hard_deletes', detail: 'snapshot: what a record missing from the query does', values: ['ignore', 'invalidate', 'new_record'] },
  { name: 'target_schema', detail: 'snapshot: the schema as written (no generate_schema_name)' },
  { name: 'dbt_valid_to_current', detail: 'snapshot: the SQL value current rows carry in dbt_valid_to' },
  { name: 'snapshot_meta_column_names', detail: 'snapshot: names for dbt_valid_from, dbt_valid_to, dbt_scd_id, dbt_updated_at, dbt_is_deleted' },
];

export interface Keyword {
  name: string;
  detail: string;
  snippet?: string;
}

export const JINJA_EXPRESSIONS: Keyword[] = [
  { name: 'ref', detail: 'a model or seed', snippet: "ref('$1')" },
  { name: 'source', detail: 'a bronze source table', snippet: "source('$1', '$2')" },
  { name: 'config', detail: 'model configuration', snippet: 'config($1)' },
  { name: 'var', detail: 'a project variable', snippet: "var('$1')" },
  { name: 'env_var', detail: 'an environment variable', snippet: "env_var('$1')" },
  { name: 'is_incremental', detail: 'true on an incremental run of an existing table', snippet: 'is_incremental()' },
  { name: 'this', detail: 'the relation of the current model' },
  { name: 'target', detail: 'target name, type, schema, threads' },
];

export const JINJA_STATEMENTS: Keyword[] = [
  { name: 'if', detail: 'conditional block', snippet: 'if $1 %}\n$0\n{% endif' },
  { name: 'elif', detail: 'else-if branch' },
  { name: 'else', detail: 'else branch' },
  { name: 'endif', detail: 'end of if' },
  { name: 'for', detail: 'loop', snippet: 'for $1 in $2 %}\n$0\n{% endfor' },
  { name: 'endfor', detail: 'end of for' },
  { name: 'set', detail: 'assign a variable', snippet: 'set $1 = $2' },
  { name: 'macro', detail: 'define a macro', snippet: 'macro $1($2) %}\n$0\n{% endmacro' },
  { name: 'endmacro', detail: 'end of macro' },
  { name: 'call', detail: 'call a macro with a body' },
  { name: 'filter', detail: 'filter block' },
  { name: 'raw', detail: 'raw block (no templating)' },
  { name: 'endraw', detail: 'end of raw' },
  ...JINJA_EXPRESSIONS.filter((k) => k.name === 'is_incremental' || k.name === 'config'),
];

/** dbt schema YAML keys, by the key of the mapping they belong to ('' for the top level). */
export const SCHEMA_KEYS: Record<string, string[]> = {
  '': ['version', 'models', 'sources', 'seeds', 'snapshots', 'macros'],
  snapshots: ['name', 'description', 'relation', 'columns', 'config', 'data_tests', 'tests'],
  models: ['name', 'description', 'columns', 'config', 'data_tests', 'tests', 'constraints', 'latest_version'],
  sources: ['name', 'description', 'schema', 'database', 'tables', 'loader', 'meta'],
  tables: ['name', 'description', 'identifier', 'columns', 'data_tests', 'tests', 'meta'],
  seeds: ['name', 'description', 'columns', 'config'],
  columns: ['name', 'description', 'data_type', 'data_tests', 'tests', 'constraints', 'meta', 'quote'],
  config: ['materialized', 'contract', 'unique_key', 'incremental_strategy', 'schema', 'tags', 'enabled', 'layer', 'partition_by', 'alias', 'on_schema_change', 'pre_hook', 'post_hook', 'strategy', 'updated_at', 'check_cols', 'hard_deletes', 'target_schema', 'dbt_valid_to_current', 'snapshot_meta_column_names'],
  contract: ['enforced'],
  constraints: ['type', 'expression'],
};

export const DUCKDB_TYPES = [
  'boolean', 'tinyint', 'smallint', 'integer', 'bigint', 'hugeint', 'utinyint', 'usmallint', 'uinteger', 'ubigint',
  'float', 'double', 'decimal(18,3)', 'varchar', 'blob', 'date', 'time', 'timestamp', 'timestamptz',
  'timestamp with time zone', 'interval', 'uuid', 'json', 'varchar[]', 'struct()', 'map(varchar, varchar)',
];
