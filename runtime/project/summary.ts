// Per-file summaries: what each parser pulls out of one file on its own. The linker joins them
// into a Project, so an editor re-parses only the file that changed (STYLE.md §6).
import type { MacroDef, ModelSpec, ProjectConfig, Range, SourceTable, TemplateScan, UnitTestSpec } from './types.js';
import type { PathRef } from './paths.js';

/** pipeline.yml or dbt_project.yml. `ok` is false when the file could not be read as a config. */
export interface ParsedConfig {
  config: ProjectConfig;
  /** Bronze sources declared in pipeline.yml (none for dbt_project.yml). */
  sources: SourceTable[];
  ok: boolean;
  /** The paths the config file names, with their positions, for the checks on the disk (paths.ts). */
  paths?: PathRef[];
}

export interface ModelFile {
  kind: 'model';
  file: string;
  name: string;
  text: string;
  scan: TemplateScan;
  /** A Python model (`.py`): scanned for dbt.ref/source/config, never rendered. */
  language?: 'python';
  /** The installed package whose model this is (Medallion does not build packages' models). */
  package?: string;
}

/** A file of snapshot-paths: the `{% snapshot name %}` block's name (the file's name when it has none). */
export interface SnapshotFile {
  kind: 'snapshot';
  file: string;
  name: string;
  /** Where the block's name is written (the file start when there is no block). */
  nameRange: Range;
  text: string;
  scan: TemplateScan;
}

export interface MacroDoc {
  name: string;
  description?: string;
  file: string;
}

export interface SchemaFile {
  kind: 'schema';
  file: string;
  models: ModelSpec[];
  seeds: ModelSpec[];
  /** `snapshots:` entries: YAML-defined snapshots (with `relation:`) or properties of SQL ones. */
  snapshots: ModelSpec[];
  sources: SourceTable[];
  macros: MacroDoc[];
  /** `unit_tests:` entries (dbt 1.8+). */
  unitTests: UnitTestSpec[];
}

export interface MacroFile {
  kind: 'macro';
  file: string;
  text: string;
  macros: MacroDef[];
}

export interface SeedFile {
  kind: 'seed';
  file: string;
  name: string;
  text: string;
}

export interface TestFile {
  kind: 'test';
  file: string;
  name: string;
  text: string;
  scan: TemplateScan;
}

export type ParsedFile = ModelFile | SchemaFile | MacroFile | SeedFile | TestFile | SnapshotFile;
