/**
 * Runs programs for tap tests, alone or under launch/mpirun.sh, with a timeout; the rank programs
 * print one JSON line each, which `jsonLines` collects so that assertions happen in tap.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const MPIRUN = `${ROOT}launch/mpirun.sh`;

export interface RunResult {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** `node --import tsx <script> ...args`: runs a TypeScript program directly. */
export function tsProgram(script: string, ...args: string[]): string[] {
  return [process.execPath, '--import', 'tsx', script, ...args];
}

/** Runs `command` in the package root; resolves (never rejects) with what it printed. */
export function run(command: string[], options: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = command;
  if (file === undefined) throw new Error('run: empty command');
  const env = { ...process.env, NODE_DISABLE_COLORS: '1', FORCE_COLOR: '0', ...options.env };
  // Own process group, so a timeout can take down mpirun and every rank it started.
  const child = spawn(file, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid, 'SIGTERM');
    setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5000).unref();
  }, options.timeoutMs ?? 120_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Ranks write through ptys, which turn \n into \r\n.
      resolve({ code, signal, stdout: stdout.replace(/\r/g, ''), stderr: stderr.replace(/\r/g, ''), timedOut });
    });
  });
}

/** `launch/mpirun.sh -n <n> <command...>`. */
export function mpirun(n: number, command: string[], options: RunOptions = {}): Promise<RunResult> {
  return run([MPIRUN, '-n', String(n), ...command], options);
}

/** Every line of `stdout` that parses as a JSON object. */
export function jsonLines<T = Record<string, unknown>>(stdout: string): T[] {
  const found: T[] = [];
  for (const line of stdout.split('\n')) {
    const text = line.trim();
    if (!text.startsWith('{')) continue;
    try {
      found.push(JSON.parse(text) as T);
    } catch {
      // A rank's line interleaved with another's output: not a result line.
    }
  }
  return found;
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
