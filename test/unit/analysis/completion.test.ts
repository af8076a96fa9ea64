// Completion in SQL templates and YAML files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCompletion } from '../../support/check.js';
import { SHOP, withFile } from './support.js';

test('ref() offers models with layer, materialization and description, not the model itself', async () => {
  await checkCompletion(withFile(SHOP, 'models/gold/revenue.sql', "select * from {{ ref('$0') }}"), `
    events  model · silver · table
        Typed, deduplicated events
  `);
});

test('source() offers source names, then the tables of the chosen source', async () => {
  await checkCompletion(withFile(SHOP, 'models/silver/x.sql', "select * from {{ source('$0') }}"), `bronze  source · source · 1 table`);
  await checkCompletion(withFile(SHOP, 'models/silver/x.sql', "select * from {{ source('bronze', '$0') }}"), `
    app_logs  table · json · bronze/app_logs/*.json
        Raw app events
  `);
});

test('columns after alias-dot come from the relation the alias names', async () => {
  await checkCompletion(withFile(SHOP, 'models/silver/x.sql', "select s.$0 from {{ source('bronze', 'app_logs') }} s"), `
    event_id  column · varchar
    user_id  column · integer
    amount  column · double
    ts  column · timestamptz
  `);
});

test('a select list offers the columns of every relation in scope', async () => {
  await checkCompletion(withFile(SHOP, 'models/gold/x.sql', "select $0 from {{ ref('revenue') }} r join {{ source('bronze', 'app_logs') }} a on true"), `
    user_id  column · integer
    revenue  column · double
    event_id  column · varchar
    amount  column · double
    ts  column · timestamptz
  `);
});

test('a CTE over two relations offers a column they share once', async () => {
  await checkCompletion(withFile(SHOP, 'models/gold/x.sql', "with b as (select * from {{ ref('revenue') }} r join {{ source('bronze', 'app_logs') }} a using (user_id)) select b.$0 from b"), `
    user_id  column · integer
    revenue  column · double
    event_id  column · varchar
    amount  column · double
    ts  column · timestamptz
  `);
});

test('config() keys and the values of materialized', async () => {
  await checkCompletion(withFile(SHOP, 'models/gold/x.sql', '{{ config($0) }}\nselect 1'), `
    materialized  property · view | table | incremental | ephemeral
    unique_key  property · column(s) identifying a row, for incremental merges
    incremental_strategy  property · merge | append | delete+insert
    on_schema_change  property · what an incremental run does when columns change
    schema  property · DuckDB schema the model is created in
    tags  property · list of tags for tag: selectors
    partition_by  property · columns the Parquet output is partitioned by
    layer  property · bronze | silver | gold
    enabled  property · false disables the model
    alias  property · relation name instead of the file name
    contract  property · {'enforced': true} checks columns against the schema YAML
    pre_hook  property · SQL run before the node is built (a string or a list)
    post_hook  property · SQL run after the node is built (a string or a list)
    strategy  property · snapshot: timestamp (updated_at) | check (check_cols)
    updated_at  property · snapshot (timestamp): the column holding when a record last changed
    check_cols  property · snapshot (check): 'all' or the columns compared
    hard_deletes  property · snapshot: what a record missing from the query does
    target_schema  property · snapshot: the schema as written (no generate_schema_name)
    dbt_valid_to_current  property · snapshot: the SQL value current rows carry in dbt_valid_to
    snapshot_meta_column_names  property · snapshot: names for dbt_valid_from, dbt_valid_to, dbt_scd_id, dbt_updated_at, dbt_is_deleted
  `);
  await checkCompletion(withFile(SHOP, 'models/gold/x.sql', "{{ config(materialized='$0') }}\nselect 1"), `
    view  value
    table  value
    incremental  value
    ephemeral  value
  `);
});

test('Jinja expressions offer builtins and project macros; statements offer keywords', async () => {
  await checkCompletion(withFile(SHOP, 'models/gold/x.sql', 'select {{ $0 }}'), `
    ref  function · a model or seed
    source  function · a bronze source table
    config  function · model configuration
    var  function · a project variable
    env_var  function · an environment variable
    is_incremental  function · true on an incremental run of an existing table
    this  keyword · the relation of the current model
    target  keyword · target name, type, schema, threads
    cents  macro · macro(x)
  `);
  await checkCompletion(withFile(SHOP, 'models/gold/x.sql', '{% $0 %}'), `
    if  function · conditional block
    elif  keyword · else-if branch
    else  keyword · else branch
    endif  keyword · end of if
    for  function · loop
    endfor  keyword · end of for
    set  function · assign a variable
    macro  function · define a macro
    endmacro  keyword · end of macro
    call  keyword · call a macro with a body
    filter  keyword · filter block
    raw  keyword · raw block (no templating)
    endraw  keyword · end of raw
    config  function · model configuration
    is_incremental  function · true on an incremental run of an existing table
    cents  macro · macro(x)
  `);
});

test('pipeline.yml: top-level keys from the JSON Schema, without the ones already there', async () => {
  const { items } = await checkCompletion(SHOP.replace('name: shop\n', 'name: shop\n$0\n'), `
    version  property
        The project's own version, free-form.
    description  property
        What the pipeline does; shown in the editor.
    lake  property
        Where bronze files land and silver/gold Parquet is written: a local fol…
    warehouse  property
        The DuckDB database file where every model is queryable by name, relati…
    python  property
        The Python 3 (with the \`duckdb\` package) that runs Python models: a pat…
    threads  property
        How many models run at once.
    targets  property
        Named outputs that \`--target NAME\` chooses (default \`dev\` when listed, …
    render  property
        Budgets of one template render: a model, test or macro whose Jinja runs…
    layers  property
        The layers of the pipeline in data-flow order (default \`[bronze, silver…
    vars  property
        Variables for \`{{ var('name') }}\` in models.
    model-paths  property
        Folders holding models (default \`[models]\`).
    seed-paths  property
        Folders holding seed CSV files (default \`[seeds]\`).
    macro-paths  property
        Folders holding macro files (default \`[macros]\`).
    test-paths  property
        Folders holding singular tests (default \`[tests]\`).
    target-path  property
        Where compiled SQL, run results, the manifest and the catalog are writt…
    log-path  property
        Where logs are written (default \`logs\`).
    clean-targets  property
        Folders \`medallion clean\` deletes, inside the project (default: the tar…
    models  property
        Folder-level model configs, as in dbt: \`{ silver: { +materialized: tabl…
    seeds  property
        Seed configs, as in dbt: \`{ +schema: ref, country_codes: { +column_type…
  `);
  assert.match(items.find((c) => c.label === 'lake')?.documentation ?? '', /bronze/);
});

test('pipeline.yml: source keys, format values and column types', async () => {
  await checkCompletion(SHOP.replace('    format: json\n', '    format: json\n    $0\n'), `
    dedupe_on  property
        Columns identifying a record: duplicates are dropped when the source is…
    options  property
        Extra reader options passed to DuckDB (e.g. \`delim\`, \`header\` for CSV).
    loaded_at_field  property
        A column or SQL expression giving when each record landed; \`medallion s…
    freshness  property
        dbt's source freshness: \`warn_after\` and \`error_after\` ({count, period:…
    tests  property
        Source-level data tests.
    data_tests  property
        Source-level data tests (dbt 1.8+ spelling).
  `);
  await checkCompletion(SHOP.replace('format: json', 'format: $0'), `
    json  value
    csv  value
    parquet  value
  `);
  await checkCompletion(SHOP.replace('      ts: { type: timestamptz }', '      ts:\n        type: $0'), `
    boolean  type
    tinyint  type
    smallint  type
    integer  type
    bigint  type
    hugeint  type
    utinyint  type
    usmallint  type
    uinteger  type
    ubigint  type
    float  type
    double  type
    decimal(18,3)  type
    varchar  type
    blob  type
    date  type
    time  type
    timestamp  type
    timestamptz  type
    timestamp with time zone  type
    interval  type
    uuid  type
    json  type
    varchar[]  type
    struct()  type
    map(varchar, varchar)  type
  `);
});

test('schema YAML: keys under a model and a column, model names, data types and test names', async () => {
  await checkCompletion(withFile(SHOP, 'models/silver/schema.yml', 'version: 2\nmodels:\n  - name: events\n    $0'), `
    description  property
    columns  property
    config  property
    data_tests  property
    tests  property
    constraints  property
    latest_version  property
  `);
  await checkCompletion(withFile(SHOP, 'models/silver/schema.yml', 'version: 2\nmodels:\n  - name: $0'), `
    revenue  model · gold · models/gold/revenue.sql
    events  model · silver · models/silver/events.sql
  `);
  await checkCompletion(withFile(SHOP, 'models/silver/schema.yml', 'version: 2\nmodels:\n  - name: events\n    columns:\n      - name: ts\n        data_type: $0'), `
    boolean  type
    tinyint  type
    smallint  type
    integer  type
    bigint  type
    hugeint  type
    utinyint  type
    usmallint  type
    uinteger  type
    ubigint  type
    float  type
    double  type
    decimal(18,3)  type
    varchar  type
    blob  type
    date  type
    time  type
    timestamp  type
    timestamptz  type
    timestamp with time zone  type
    interval  type
    uuid  type
    json  type
    varchar[]  type
    struct()  type
    map(varchar, varchar)  type
  `);
  await checkCompletion(withFile(SHOP, 'models/silver/schema.yml', 'version: 2\nmodels:\n  - name: events\n    columns:\n      - name: ts\n        data_tests:\n          - $0'), `
    unique  test
    not_null  test
    accepted_values  test
    relationships  test
  `);
});

test("schema YAML: test names include the project's {% test %} blocks, with their parameters", async () => {
  const own = withFile(SHOP, 'tests/generic/at_least.sql', '{% test at_least(model, column_name, min_value=0) %}\nselect 1\n{% endtest %}');
  await checkCompletion(withFile(own, 'models/silver/schema.yml', 'version: 2\nmodels:\n  - name: events\n    columns:\n      - name: amount\n        data_tests:\n          - $0'), `
    unique  test
    not_null  test
    accepted_values  test
    relationships  test
    at_least  test · test(model, column_name, min_value) · tests/generic/at_least.sql
  `);
});

test('schema YAML: column names of the enclosing model come from its contract or binding', async () => {
  const yaml = 'version: 2\nmodels:\n  - name: revenue\n    columns:\n      - name: user_id\n      - name: $0';
  await checkCompletion(withFile(SHOP, 'models/gold/schema.yml', yaml), `
    user_id  column · INTEGER
    revenue  column · DOUBLE
  `, { bind: ['models/gold/revenue.sql'] });
});

test('long lists are cut to the best matches of what was typed, and marked incomplete', async () => {
  const models = Array.from({ length: 300 }, (_, i) => `//- /models/silver/stg_${i}.sql\nselect ${i} as id\n`).join('');
  const all = await checkCompletion(`${models}//- /models/gold/x.sql\nselect * from {{ ref('stg_2$0') }}\n`, `
    stg_2  model · silver · view
    stg_20  model · silver · view
    stg_21  model · silver · view
    stg_22  model · silver · view
    stg_23  model · silver · view
    … 133 more
  `, { limit: 5 });
  assert.equal(all.items.length, 138, '138 models match stg_2 (111 as a prefix): under the cap');
  assert.ok(all.items.some((i) => i.label === 'stg_12'), 'in-order characters match too');
  await checkCompletion(`${models}//- /models/gold/x.sql\nselect * from {{ ref('$0') }}\n`, `
    (incomplete)
    stg_0  model · silver · view
    stg_1  model · silver · view
    stg_2  model · silver · view
    … 197 more
  `, { limit: 3 });
});
