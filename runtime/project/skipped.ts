// Nodes Medallion loads, lists and resolves but does not run as SQL — models with a materialization
// it does not implement and installed packages' own models, skipped by a run with the reason and named
// once in a load warning; Python models, which only a run with a Python may run. Pure; never throws.
import { didYouMean, MATERIALIZATIONS, suggest } from './config.js';
import { packageModelOf } from './packages.js';
import type { Diagnostic, ModelNode, Project, Range } from './types.js';

const FILE_START: Range = { start: 0, end: 0 };
/** `{% materialization name, adapter='duckdb' %}` (or `default`): a materialization the project or a package defines. */
const DEFINITION = /\{%-?\s*materialization\s+([A-Za-z_]\w*)/g;

export function markSkipped(project: Project, report: (d: Diagnostic) => void): void {
  const defined = new Set<string>();
  for (const text of project.macroFiles?.values() ?? []) for (const m of text.matchAll(DEFINITION)) defined.add(m[1]);
  for (const model of project.models.values()) {
    if (!model.config.enabled) continue;
    const pkg = packageModelOf(project.config, model.file)?.name;
    const custom = model.config.customMaterialization;
    if (pkg !== undefined) {
      model.package = pkg;
      model.skip = `Medallion does not build the models of installed packages (package '${pkg}')`;
    } else if (model.language === 'python') {
      // Not SQL: nothing renders or binds it. The runner runs it when it finds a Python with duckdb (run/pythonModel.ts).
      model.skip = 'a Python model';
      continue;
    } else if (custom !== undefined) {
      model.skip = `materialization '${custom}' is not supported yet`;
      const s = defined.has(custom) ? undefined : suggest(custom, MATERIALIZATIONS);
      if (s) {
        const where = materializedAt(model);
        const message = `Unknown materialization '${custom}': neither built in (${MATERIALIZATIONS.join(', ')}) nor defined by a {% materialization %} block${didYouMean(s)}`;
        report({ file: where.file, range: where.range, severity: 'warning', message, code: 'unknown-materialization', data: { suggestion: s } });
      }
    }
    if (model.skip) report({ file: model.file, range: FILE_START, severity: 'warning', message: `Model '${model.name}' will be skipped: ${model.skip}`, code: 'skipped-node' });
  }
}

/** Where the model's `materialized` is written: its config() call, else its schema YAML entry, else the file. */
function materializedAt(model: ModelNode): { file: string; range: Range } {
  const call = [...model.scan.configs].reverse().find((c) => 'materialized' in c.args);
  if (call) return { file: model.file, range: call.argRanges.materialized ?? call.range };
  const yaml = model.spec?.configRanges?.materialized;
  if (model.spec && yaml) return { file: model.spec.location.file, range: yaml };
  return { file: model.file, range: FILE_START };
}
