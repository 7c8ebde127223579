// What the figures were measured on, for the head of RESULTS.md.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { ROOT } from './paths.js';

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '?';
  }
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model ?? '?',
    cores: cpus.length,
    memoryGb: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAvg: os.loadavg(),
    commit: git('rev-parse', '--short', 'HEAD'),
    commitSubject: git('log', '-1', '--format=%s'),
    // The bench builds and measures the working tree, which other engineers may be editing.
    uncommitted: git('status', '--porcelain', '--', 'src', 'bin', 'package.json').split('\n').filter(Boolean).length,
  };
}

export function machineLines(m, loadAtEnd) {
  const load = (l) => l.map((v) => v.toFixed(2)).join(' / ');
  return [
    `| | |`,
    `|---|---|`,
    `| date | ${m.date} |`,
    `| CPU | ${m.cpu}, ${m.cores} cores, ${m.memoryGb.toFixed(0)} GB RAM |`,
    `| Node | ${m.node} on ${m.os} |`,
    `| load average (1/5/15 min) at start | ${load(m.loadAvg)} |`,
    loadAtEnd ? `| load average at end | ${load(loadAtEnd)} |` : '',
    `| Skein commit | ${m.commit} (${m.commitSubject.slice(0, 80)})${m.uncommitted ? `, plus uncommitted changes to ${m.uncommitted} files in src/, bin/ or package.json (the bench builds the working tree)` : ''} |`,
  ].filter(Boolean).join('\n');
}
