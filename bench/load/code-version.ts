// Which code was measured: the commit, and whether the working tree had uncommitted changes
// (the benchmark builds and runs whatever is checked out).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export function describeCode(): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('log', '-1', '--format=%h %s');
    const dirty = git('status', '--porcelain', '--', 'src').split('\n').filter((l) => l !== '').length;
    return dirty === 0 ? `${commit}` : `${commit} — plus ${dirty} uncommitted change(s) under src/`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
