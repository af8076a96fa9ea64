// The list of CLI commands. Each command file exports `register(program)`; add one line per command.
import type { Command } from 'commander';
import { register as compile } from './compile.js';
import { register as build } from './build.js';
import { register as clean } from './clean.js';
import { register as debug } from './debug.js';
import { register as engine } from './engine.js';
import { register as ingest } from './ingest.js';
import { register as lake } from './lake.js';
import { register as lineage } from './lineage.js';
import { register as ls } from './ls.js';
import { register as lsp } from './lsp.js';
import { register as run } from './run.js';
import { register as preview } from './preview.js';
import { register as sample } from './sample.js';
import { register as seed } from './seed.js';
import { register as snapshot } from './snapshot.js';
import { register as source } from './source.js';
import { register as test } from './test.js';

const commands: Array<(program: Command) => void> = [compile, ls, lineage, sample, ingest, lake, engine, lsp, run, build, seed, snapshot, source, test, preview, clean, debug];

export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
