// The status bar item: project name, model count, the target and the last run's outcome.
import * as vscode from 'vscode';
import type { ProjectInfoResult, RunResponse } from '../../server/src/lsp/protocol.js';

export class ProjectStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('medallion.status', vscode.StatusBarAlignment.Left, 10);
  private info?: ProjectInfoResult;
  private running?: string;
  private lastRun?: { status: string; elapsedMs: number; nodes: number; at: string };

  constructor() {
    this.item.name = 'Medallion';
    this.item.command = { title: 'Medallion commands', command: 'workbench.action.quickOpen', arguments: ['>Medallion: '] };
    this.render();
    this.item.show();
  }

  setProject(info: ProjectInfoResult | undefined): void {
    this.info = info;
    if (info?.lastRun && !this.lastRun) this.lastRun = info.lastRun;
    this.render();
  }

  setRunning(title: string | undefined): void {
    this.running = title;
    this.render();
  }

  setLastRun(result: RunResponse): void {
    this.lastRun = { status: result.status, elapsedMs: result.elapsedMs, nodes: result.nodes.length, at: new Date().toISOString() };
    this.running = undefined;
    this.render();
  }

  private render(): void {
    const info = this.info;
    const parts = [info?.found ? `$(database) ${info.name}` : '$(database) Medallion'];
    if (info?.found) parts.push(info.state === 'failed' ? '$(warning) project file has errors' : `${info.modelCount} models`);
    if (info?.found && info.target) parts.push(`$(target) ${info.target}${info.engine === 'trino' ? ' (Trino)' : ''}`);
    if (this.running) parts.push(`$(sync~spin) ${this.running}`);
    else if (this.lastRun) parts.push(`${this.lastRun.status === 'success' ? '$(check)' : '$(error)'} ${(this.lastRun.elapsedMs / 1000).toFixed(1)}s`);
    this.item.text = parts.join('  ');
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(info?.found ? `**${info.name}** (${info.format === 'dbt' ? 'dbt_project.yml' : 'pipeline.yml'})\n\n` : '**Medallion**\n\n');
    if (info?.found) tip.appendMarkdown(`${info.modelCount} models · ${info.sourceCount} sources · target ${info.target} on ${info.engine === 'trino' ? 'Trino' : 'DuckDB'} (setting medallion.target)\n\n`);
    if (this.lastRun) tip.appendMarkdown(`Last run: ${this.lastRun.status}, ${this.lastRun.nodes} nodes in ${(this.lastRun.elapsedMs / 1000).toFixed(2)} s (${new Date(this.lastRun.at).toLocaleString()})\n\n`);
    tip.appendMarkdown('Click for Medallion commands');
    this.item.tooltip = tip;
  }

  dispose(): void {
    this.item.dispose();
  }
}
