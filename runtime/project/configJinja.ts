// Configuration values holding Jinja (`+enabled: "{{ var('x', false) }}"`, `+schema: "{{ target.name }}_x"`),
// rendered as dbt renders them before reading them: natively (one `{{ expr }}` gives its value), with
// var(), env_var() and target; then checked like any other value. dbt_project.yml sees only --vars.
import { Renderer } from '../template/render.js';
import { checkConfig, isTemplated } from './config.js';
import type { Diagnostic, ProjectConfig, Range } from './types.js';

const HOOK_KEYS = new Set(['pre-hook', 'post-hook', 'pre_hook', 'post_hook']);
const NOWHERE: Range = { start: 0, end: 0 };
const OPTIONS = { ref: () => undefined, source: () => undefined };

export class ConfigRenderer {
  private readonly rendered = new WeakMap<object, Record<string, unknown>>();
  private projectFile?: Renderer;
  private schemaFiles?: Renderer;

  constructor(
    private readonly config: ProjectConfig,
    private readonly report: (d: Diagnostic) => void,
  ) {}

  /** One level of config (a folder's, a YAML entry's) with its Jinja rendered; each level is rendered once. */
  level(file: string, values: Record<string, unknown> | undefined, ranges: Record<string, Range> | undefined): Record<string, unknown> | undefined {
    if (!values) return values;
    const done = this.rendered.get(values);
    if (done) return done;
    // Hooks render when they run, in their node's context ({{ this }}), as dbt renders them.
    const templated = Object.keys(values).filter((k) => isTemplated(values[k]) && !HOOK_KEYS.has(k));
    let out = values;
    if (templated.length > 0) {
      out = { ...values };
      const renderer = this.rendererFor(file);
      for (const key of templated) {
        const at = ranges?.[key] ?? NOWHERE;
        const result = renderer.native(file, values[key] as string, OPTIONS);
        if ('diagnostics' in result) {
          delete out[key];
          this.report({ file, range: at, severity: 'error', message: `Jinja in '${key}': ${result.diagnostics[0]?.message ?? 'does not render'}`, code: 'config-jinja' });
        } else out[key] = result.value;
      }
      const checked = Object.fromEntries(templated.filter((k) => k in out).map((k) => [k, out[k]]));
      for (const d of checkConfig(file, checked, (k) => ranges?.[k] ?? NOWHERE)) this.report(d);
    }
    this.rendered.set(values, out);
    return out;
  }

  /** dbt renders dbt_project.yml with --vars alone, schema YAML with the project's vars too. */
  private rendererFor(file: string): Renderer {
    if (file === this.config.file && this.config.format === 'dbt') {
      this.projectFile ??= new Renderer({ ...this.config, vars: this.config.cliVars ?? {} }, []);
      return this.projectFile;
    }
    this.schemaFiles ??= new Renderer(this.config, []);
    return this.schemaFiles;
  }
}
