// Lint rules; the one that matters most keeps the editor and the protocol out of the core.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const editorImports = {
  paths: [
    { name: 'vscode', message: 'The core never imports the editor (STYLE.md §1).' },
  ],
  patterns: [
    { group: ['vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageclient', 'vscode-languageclient/*'], message: 'Only server/src/lsp speaks LSP (STYLE.md §1).' },
    { group: ['**/server/src/lsp/**', '**/lsp/*', '**/client/**'], message: 'The core never imports the adapters.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', 'sample-workspace/', 'test-artifacts/', '**/*.js', '**/*.mjs', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  { files: ['runtime/**/*.ts', 'server/src/analysis/**/*.ts'], rules: { 'no-restricted-imports': ['error', editorImports] } },
  // Features read a Snapshot; only what applies changes or runs in the background holds the Workspace.
  {
    files: ['server/src/analysis/**/*.ts'],
    ignores: ['server/src/analysis/{workspace,diagnostics,warmStart}.ts'],
    rules: { 'no-restricted-imports': ['error', { ...editorImports, patterns: [...editorImports.patterns, { group: ['./workspace.js'], message: 'Features take (snapshot, file, offset), never the mutable Workspace.' }] }] },
  },
  // The server and the runtime read as named steps: no function over 80 lines, no file over 400.
  { files: ['runtime/**/*.ts', 'server/src/**/*.ts'], rules: { 'max-lines-per-function': ['error', { max: 80 }], 'max-lines': ['error', { max: 400 }] } },
);
