/** Runs the compiled command line, alone or under launch/mpirun.sh. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = `${ROOT}dist/main.js`;

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

const quietEnv = { ...process.env, NODE_DISABLE_COLORS: '1', FORCE_COLOR: '0' };

export function runMain(args: string[], timeoutMs = 120_000): Ran {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: timeoutMs, env: quietEnv });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function runMainMpi(n: number, args: string[], timeoutMs = 180_000, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return startMainMpi(n, args, timeoutMs, env).done;
}

/** Starts an mpirun job and returns it with a promise of its end (for tests that signal it). */
export function startMainMpi(n: number, args: string[], timeoutMs = 180_000, env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<Ran> } {
  const child = spawn(`${ROOT}launch/mpirun.sh`, ['-n', String(n), process.execPath, MAIN, ...args], { env: { ...quietEnv, ...env } });
  const done = new Promise<Ran>((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: stdout.replace(/\r/g, ''), stderr: stderr.replace(/\r/g, '') });
    });
  });
  return { child, done };
}
