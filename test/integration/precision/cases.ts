// One pair per diagnostic kind the server publishes: a project that `medallion build` rejects, with
// the diagnostic expected (code, file, the text it lands on) and the build's error, and the same
// project corrected, which builds and shows nothing.

export interface Case {
  /** The diagnostic code the server gives on the broken project. */
  code: string;
  /** Files replacing the base project's (both sides); `$0` is not used. */
  shared?: Record<string, string>;
  broken: Record<string, string>;
  fixed: Record<string, string>;
  /** Where the diagnostic lands: a file and the first occurrence of `at` in the broken text. */
  file: string;
  at: string;
  /** The build's error message (any failed node or load error). */
  build: RegExp;
}

/** A dbt-duckdb project on seeds without column_types, a macro and a contracted mart. */
export const BASE = `
//- /dbt_project.yml
name: pairs
//- /seeds/raw_payments.csv
id,order_id,method,amount
1,1,card,1250
2,2,coupon,300
//- /macros/to_dollars.sql
{% macro to_dollars(col) %}({{ col }} / 100.0){% endmacro %}
//- /models/stg_payments.sql
select id, order_id, method, {{ to_dollars('amount') }} as amount from {{ ref('raw_payments') }}
//- /models/order_totals.sql
select order_id, sum(amount) as total from {{ ref('stg_payments') }} group by order_id
//- /models/schema.yml
version: 2
models:
  - name: order_totals
    config:
      contract: { enforced: true }
    columns:
      - name: order_id
        data_type: integer
        data_tests: [unique]
      - name: total
        data_type: double
`;

const STG = 'models/stg_payments.sql';
const TOTALS = 'models/order_totals.sql';
const SCHEMA = 'models/schema.yml';
const stg = (body: string): string => `select id, order_id, method, ${body} from {{ ref('raw_payments') }}\n`;
const totals = (select: string): string => `select ${select} from {{ ref('stg_payments') }} group by order_id\n`;
const schema = (columns: string): string =>
  `version: 2\nmodels:\n  - name: order_totals\n    config:\n      contract: { enforced: true }\n    columns:\n${columns}`;
const COLUMNS = '      - name: order_id\n        data_type: integer\n        data_tests: [unique]\n      - name: total\n        data_type: double\n';

export const CASES: Case[] = [
  {
    code: 'sql-error',
    broken: { [STG]: stg("{{ to_dollars('amount') }} as amount,, 1 as x") },
    fixed: { [STG]: stg("{{ to_dollars('amount') }} as amount, 1 as x") },
    file: STG,
    at: ',,',
    build: /Parser Error: syntax error/,
  },
  {
    // The case: the seed column typed varchar on purpose, arithmetic on it fails to bind.
    code: 'sql-error',
    shared: { 'seeds/schema.yml': 'version: 2\nseeds:\n  - name: raw_payments\n    config:\n      column_types: {amount: varchar}\n' },
    broken: { [STG]: stg("{{ to_dollars('amount') }} as amount") },
    fixed: { [STG]: stg("{{ to_dollars('cast(amount as integer)') }} as amount") },
    file: STG,
    at: "{{ to_dollars('amount') }}",
    build: /No function matches the given name and argument types '\/\(VARCHAR, DECIMAL\(4,1\)\)'/,
  },
  {
    code: 'unknown-column',
    broken: { [STG]: stg("{{ to_dollars('amonut') }} as amount") },
    fixed: { [STG]: stg("{{ to_dollars('amount') }} as amount") },
    file: STG,
    at: 'amonut',
    build: /Referenced column "amonut" not found/,
  },
  {
    code: 'unknown-column',
    broken: { [TOTALS]: totals('order_id, sum(amount) as total, max(methd) as last_method') },
    fixed: { [TOTALS]: totals('order_id, sum(amount) as total') },
    file: TOTALS,
    at: 'methd',
    build: /Referenced column "methd" not found/,
  },
  {
    // A dbt-duckdb external source declaring no columns: typed from its file before any run (fileSchema.ts).
    code: 'unknown-column',
    shared: {
      'data/refunds.csv': 'id,payment_id,amount\n1,1,2.5\n',
      'models/files.yml': 'version: 2\nsources:\n  - name: files\n    meta:\n      external_location: "data/{name}.csv"\n    tables:\n      - name: refunds\n',
    },
    broken: { 'models/refunds.sql': "select id, payment_id, amout * 100 as cents from {{ source('files', 'refunds') }}\n" },
    fixed: { 'models/refunds.sql': "select id, payment_id, amount * 100 as cents from {{ source('files', 'refunds') }}\n" },
    file: 'models/refunds.sql',
    at: 'amout',
    build: /Referenced column "amout" not found/,
  },
  {
    code: 'contract-missing-column',
    broken: { [TOTALS]: totals('order_id, sum(amount) as sum_amount') },
    fixed: { [TOTALS]: totals('order_id, sum(amount) as total') },
    file: SCHEMA,
    at: '- name: total',
    build: /enforced contract that failed[\s\S]*total[\s\S]*missing in definition/,
  },
  {
    code: 'contract-extra-column',
    broken: { [TOTALS]: totals('order_id, sum(amount) as total, count(*) as payments') },
    fixed: { [TOTALS]: totals('order_id, sum(amount) as total, count(*) as payments'), [SCHEMA]: schema(`${COLUMNS}      - name: payments\n        data_type: bigint\n`) },
    file: TOTALS,
    at: 'payments',
    build: /enforced contract that failed[\s\S]*payments[\s\S]*missing in contract/,
  },
  {
    code: 'contract-type-mismatch',
    broken: { [SCHEMA]: schema(COLUMNS.replace('data_type: double', 'data_type: varchar')) },
    fixed: { [SCHEMA]: schema(COLUMNS.replace('data_type: double', 'data_type: float8')) },
    file: SCHEMA,
    at: '- name: total',
    build: /enforced contract that failed[\s\S]*total[\s\S]*data type mismatch/,
  },
  {
    code: 'unknown-ref',
    broken: { [TOTALS]: "select order_id, sum(amount) as total from {{ ref('stg_paymnts') }} group by order_id\n" },
    fixed: {},
    file: TOTALS,
    at: 'stg_paymnts',
    build: /Unknown model 'stg_paymnts'/,
  },
  {
    code: 'unknown-source',
    // The seed's own table, declared as a source of schema main (the comment orders it after the seed, as in dbt).
    shared: { 'models/sources.yml': 'version: 2\nsources:\n  - name: main\n    tables:\n      - name: raw_payments\n' },
    broken: { 'models/from_source.sql': "-- depends_on: {{ ref('raw_payments') }}\nselect id from {{ source('main', 'raw_paymnts') }}\n" },
    fixed: { 'models/from_source.sql': "-- depends_on: {{ ref('raw_payments') }}\nselect id from {{ source('main', 'raw_payments') }}\n" },
    file: 'models/from_source.sql',
    at: 'raw_paymnts',
    build: /Unknown table 'raw_paymnts' in source 'main'/,
  },
  {
    code: 'undefined-macro',
    broken: { [STG]: stg("{{ to_dolars('amount') }} as amount") },
    fixed: {},
    file: STG,
    at: 'to_dolars',
    build: /Undefined macro 'to_dolars'/,
  },
  {
    code: 'unknown-var',
    broken: { [STG]: stg("{{ to_dollars('amount') }} * {{ var('fx_rate') }} as amount") },
    fixed: { [STG]: stg("{{ to_dollars('amount') }} * {{ var('fx_rate', 1) }} as amount") },
    file: STG,
    at: 'fx_rate',
    build: /Variable 'fx_rate' is not defined/,
  },
  {
    code: 'unknown-test',
    broken: { [SCHEMA]: schema(COLUMNS.replace('[unique]', '[uniqe]')) },
    fixed: {},
    file: SCHEMA,
    at: 'uniqe',
    build: /uniqe/,
  },
  {
    code: 'test-unknown-column',
    broken: { [SCHEMA]: `${schema(COLUMNS)}  - name: stg_payments\n    columns:\n      - name: metod\n        data_tests: [not_null]\n` },
    fixed: { [SCHEMA]: `${schema(COLUMNS)}  - name: stg_payments\n    columns:\n      - name: method\n        data_tests: [not_null]\n` },
    file: SCHEMA,
    at: 'metod',
    build: /Referenced column "metod" not found/,
  },
  {
    code: 'cycle',
    broken: { [STG]: "select * from {{ ref('order_totals') }}\n" },
    fixed: {},
    file: STG,
    at: 'order_totals',
    build: /[Cc]ycle/,
  },
  {
    code: 'jinja-syntax',
    broken: { [STG]: stg("{{ to_dollars('amount') }} as amount {% if true %}") },
    fixed: {},
    file: STG,
    at: '{% if true %}',
    build: /./,
  },
];
