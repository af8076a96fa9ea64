// What the last build left under target/ for the editor: the run results (hover's last run), the
// catalog's column types (columnTypes.ts) and the last source freshness check. Each read anew when
// its file changes; a missing or broken file reads as none.
import { readCatalog, type Catalog } from './catalog.js';
import { readRunResults, type RunHistory } from './runResults.js';
import { readSourcesJson, type LastFreshness } from './sourceFreshness.js';

export interface Artifacts {
  runs: RunHistory;
  freshness: ReadonlyMap<string, LastFreshness>;
  catalog: Catalog;
}

const READERS = {
  'target/run_results.json': (text: string | undefined): Partial<Artifacts> => ({ runs: text === undefined ? { byId: new Map() } : readRunResults(text) }),
  'target/catalog.json': (text: string | undefined): Partial<Artifacts> => ({ catalog: text === undefined ? new Map() : readCatalog(text) }),
  'target/sources.json': (text: string | undefined): Partial<Artifacts> => ({ freshness: text === undefined ? new Map() : readSourcesJson(text) }),
};

/** The artifact files, project-relative (the default target path). */
export const ARTIFACT_FILES = Object.keys(READERS);

export const NO_ARTIFACTS: Artifacts = { runs: { byId: new Map() }, freshness: new Map(), catalog: new Map() };

export function isArtifact(file: string): file is keyof typeof READERS {
  return Object.hasOwn(READERS, file);
}

/** The artifacts with `file` read from `text` (undefined: the file went away). */
export function withArtifact(artifacts: Artifacts, file: keyof typeof READERS, text: string | undefined): Artifacts {
  return { ...artifacts, ...READERS[file](text) };
}
