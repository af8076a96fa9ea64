// What the fuzzers throw at Medallion: broken YAML, Jinja and SQL, the sandbox's escape templates
// (test/unit/template/sandbox.test.ts) and SQL aimed at files outside the project, runaway templates, and
// hostile bronze records; `mutate` breaks a good text at random places with them.
import * as path from 'node:path';
import type { Random } from './random.js';

/** A template that escaped the sandbox would write `outside` (a path in the sentinel folder). */
export function escapes(outside: string): string[] {
  const payload = `return process.mainModule.require('fs').writeFileSync('${outside}', 'x')`;
  const values = ["''", '[]', '{}', '1', 'range', 'ref', 'this', 'model', 'var', 'adapter', 'exceptions', 'namespace()', 'caller', 'cycler', 'config', "ref('a')"];
  return [
    ...values.flatMap((v) => [
      `{{ (${v}).constructor.constructor("${payload}")() }}`,
      `{{ (${v})['constructor']['constructor']("${payload}")() }}`,
      `{{ (${v}).__proto__ }}{{ (${v}).prototype }}`,
      `{{ (${v}) | attr('constructor') | attr('constructor') }}`,
    ]),
    `{{ process.mainModule.require('fs').writeFileSync('${outside}', 'x') }}`,
    `{{ require('fs').writeFileSync('${outside}', 'x') }}`,
    `{{ Function("${payload}")() }}`,
    `{{ import('fs') }}`,
    `{% import 'fs' as fs %}`,
    `{{ cycler.__init__.__globals__.os.popen('touch ${outside}') }}`,
    `{% set ns = namespace() %}{% set ns.__proto__ = {} %}{{ ns.__proto__ }}`,
    // SQL a template runs itself (dbt's execute phase), and SQL a model reads with.
    `{% do run_query("COPY (select 1 as x) TO '${outside}'") %}`,
    `{% set r = run_query("ATTACH '${outside}' AS evil") %}`,
    `{{ run_query("select * from read_text('${path.dirname(outside)}/keep.json')") }}`,
    `select * from read_text('${path.dirname(outside)}/keep.json')`,
  ];
}

/** Templates that would run forever or grow without bound: the render budget must stop each. */
export const RUNAWAY = [
  '{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}',
  "{{ 'x' * 1000000000 }}",
  '{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}',
  "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}",
  '{% for i in range(999999999) %}{% endfor %}',
];

export const BROKEN_JINJA = ['{{', '{%', '{% if x %}', '{% endif %}', '{{ ref( }}', '{{ }}', '{% for %}', "{{ ref('nope') }}", "{{ source('x', 'y') }}", '{{ var("missing") }}', '{% macro %}', '{{ 1/0 }}', '{{ "a" | nosuch }}', '{#', '{% raw %}'];
export const BROKEN_SQL = ['select', 'from', ')', '(', ';', "'", '"', 'select 1 from', 'union all', 'group by', '\0', '--', '/*', 'select * from nowhere', 'select 1 as a, 1 as a'];
export const BROKEN_YAML = ['\t', ': ', '- ', '&a [*a, *a]', '*nope', '{', '[', '"', 'models:', '  - name:', 'version: 2', '? ', '%YAML 9', '\uFEFF', 'x: y: z'];
export const UNICODE = ['é', '😀', '\u0000', '\u200b', '\ud800', '\r\n', '\u2028', '𝔘'];

/** `text` with 1–4 random cuts, duplications and insertions from `pool`. */
export function mutate(r: Random, text: string, pool: readonly string[]): string {
  let out = text;
  for (let n = 1 + r.int(4); n > 0; n--) {
    const at = r.int(out.length + 1);
    const op = r.int(4);
    if (op === 0) out = out.slice(0, at) + out.slice(at + r.int(12));
    else if (op === 1) out = out.slice(0, at) + out.slice(at, at + r.int(20)) + out.slice(at);
    else out = out.slice(0, at) + r.pick(pool) + out.slice(at);
  }
  return out;
}
