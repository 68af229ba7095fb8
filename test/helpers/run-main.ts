/** Runs the compiled command line, alone or under launch/mpirun.sh. */
import { spawn, spawnSync } from 'node:child_process';
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

export function runMainMpi(n: number, args: string[], timeoutMs = 180_000): Promise<Ran> {
  return new Promise((resolve) => {
    const p = spawn(`${ROOT}launch/mpirun.sh`, ['-n', String(n), process.execPath, MAIN, ...args], { env: quietEnv });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout: stdout.replace(/\r/g, ''), stderr: stderr.replace(/\r/g, '') });
    });
  });
}
