/**
 * A throwaway one-node Slurm cluster for tests, from Debian's packages (slurmctld, slurmd, munge) and
 * without systemd: a temporary directory holds slurm.conf, a fresh munge key, the daemons' state,
 * spool, sockets and logs; munged, slurmctld and slurmd run as children of the test (as root, the
 * only user whose jobs the test submits), on free ports and munge's own socket, so nothing on the
 * machine (a system munged or Slurm) is touched or needed.
 *
 *   const why = slurmUnavailable();           // null, or why a cluster cannot be started here
 *   const cluster = await startSlurm();       // resolves once `sinfo` shows the node idle
 *   const id = await cluster.sbatch([...], { cwd });
 *   const job = await cluster.waitForJobEnd(id, 300_000);
 *   await cluster.stop();                     // cancels jobs, stops the daemons, removes the directory
 *
 * Every process the cluster starts, and every job process (sbatch exports the environment it is
 * given), carries L2L_SLURM_TEST=<dir> in its environment; stop() ends whatever still carries it,
 * by process id, so a failed test leaves no slurmstepd or rank behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** The Debian packages the cluster needs, as launch/setup.sh installs them under CI. */
export const SLURM_PACKAGES = 'slurmd slurmctld slurm-client munge';
const DAEMONS = ['munged', 'slurmctld', 'slurmd'];
const CLIENTS = ['sbatch', 'squeue', 'sinfo', 'scontrol', 'scancel'];
const MARKER = 'L2L_SLURM_TEST';
/** Job states after which nothing of the job runs any more (COMPLETING is not one). */
const FINAL_STATES = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'OUT_OF_MEMORY'];

export interface Exec {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface JobInfo {
  id: number;
  /** JobState as scontrol shows it: PENDING, RUNNING, COMPLETING, COMPLETED, FAILED, CANCELLED, TIMEOUT... */
  state: string;
  /** ExitCode=<code>:<signal> of the batch script. */
  exitCode: string;
  reason: string;
  /** The whole `scontrol show job -o` line. */
  line: string;
}

export interface SlurmCluster {
  dir: string;
  conf: string;
  node: string;
  /** The environment for Slurm's commands and for jobs: SLURM_CONF, the marker, node on PATH. */
  env: NodeJS.ProcessEnv;
  /** Runs one of Slurm's commands against this cluster. */
  command(name: string, args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Exec>;
  /** `sbatch --parsable ARGS` in `cwd`; the job id (throws with sbatch's words if it refused). */
  sbatch(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<number>;
  /** The job as `scontrol show job` sees it, or null if it does not know it. */
  job(id: number): Promise<JobInfo | null>;
  /** Polls until the job has left the queue (and finished completing); throws at the deadline with the logs. */
  waitForJobEnd(id: number, timeoutMs: number): Promise<JobInfo>;
  /** The tail of every daemon's log, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

/** Why a cluster cannot be started on this machine (not root, a program missing), or null. */
export function slurmUnavailable(): string | null {
  if (process.platform !== 'linux') return `Slurm's daemons run on Linux only (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'not root: the throwaway cluster runs munged, slurmctld and slurmd as root';
  const missing = [...DAEMONS, ...CLIENTS, 'mpirun'].filter((p) => which(p) === null);
  if (missing.length > 0) {
    return `not installed here: ${missing.join(', ')} (Debian: apt-get install -y ${SLURM_PACKAGES}; launch/setup.sh installs them under CI=true or L2L_SLURM=1)`;
  }
  return null;
}

export class SlurmStartError extends Error {
  override name = 'SlurmStartError';
}

/** Starts munged, slurmctld and slurmd in a fresh directory; resolves when the node is idle. */
export async function startSlurm(options: { readyTimeoutMs?: number } = {}): Promise<SlurmCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'l2l-slurm-'));
  // munged refuses a socket in a directory that not everyone may traverse
  chmodSync(dir, 0o755);
  for (const sub of ['state', 'spool']) mkdirSync(join(dir, sub), { mode: 0o755 });
  const node = hostname().split('.')[0]!;
  const conf = join(dir, 'slurm.conf');
  const socket = join(dir, 'munge.socket');
  const [ctldPort, slurmdPort] = await freePorts(2);
  // No accounting, no cgroups, no systemd: processes are tracked through /proc. More CPUs than the
  // machine has (config_overrides accepts that), since a job runs more MPI ranks than there are cores.
  writeFileSync(conf, `# written by test/helpers/slurm.ts for one test run
ClusterName=l2ltest
SlurmctldHost=${node}(127.0.0.1)
SlurmctldPort=${ctldPort}
SlurmdPort=${slurmdPort}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${socket}
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool
SlurmctldPidFile=${dir}/slurmctld.pid
SlurmdPidFile=${dir}/slurmd.pid
SlurmctldLogFile=${dir}/slurmctld.log
SlurmdLogFile=${dir}/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=${dir}/plugstack.conf
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
MinJobAge=3600
SlurmdParameters=config_overrides
NodeName=${node} NodeAddr=127.0.0.1 CPUs=${Math.max(availableParallelism(), 8)} State=UNKNOWN
PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
`);
  writeFileSync(join(dir, 'plugstack.conf'), '');
  writeFileSync(join(dir, 'munge.key'), randomBytes(1024), { mode: 0o400 });

  const env = clusterEnv(dir, conf);
  const children: Array<{ name: string; child: ChildProcess }> = [];
  let exited: string | null = null;
  const start = (name: string, file: string, args: string[]) => {
    const out = join(dir, `${name}.out`);
    const fd = openSync(out, 'a');
    const child = spawn(file, args, { env, stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    child.unref();
    child.on('exit', (code, signal) => {
      exited ??= `${name} exited (${signal ?? `code ${code}`})`;
    });
    children.push({ name, child });
  };
  const cluster = makeCluster(dir, conf, node, env, children);
  try {
    start('munged', 'munged', ['--foreground', '--force', `--key-file=${dir}/munge.key`, `--socket=${socket}`, `--pid-file=${dir}/munged.pid`, `--log-file=${dir}/munged.log`, `--seed-file=${dir}/munged.seed`]);
    await until(() => existsSync(socket), 30_000, () => exited, 'munged did not create its socket');
    start('slurmctld', 'slurmctld', ['-D', '-c', '-f', conf]);
    start('slurmd', 'slurmd', ['-D', '-f', conf, '-N', node]);
    const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
    for (;;) {
      if (exited) throw new SlurmStartError(exited);
      const r = await run('sinfo', ['-h', '-N', '-n', node, '-o', '%T'], { env, timeoutMs: 30_000 });
      if (r.code === 0 && r.stdout.trim() === 'idle') break;
      if (Date.now() > deadline) throw new SlurmStartError(`node ${node} not idle after ${options.readyTimeoutMs ?? 120_000} ms (sinfo: ${(r.stdout + r.stderr).trim() || `exit ${r.code}`})`);
      await sleep(250);
    }
    return cluster;
  } catch (e) {
    const logs = cluster.logs();
    await cluster.stop();
    throw new SlurmStartError(`${(e as Error).message}\n${logs}`);
  }
}

function makeCluster(dir: string, conf: string, node: string, env: NodeJS.ProcessEnv, children: Array<{ name: string; child: ChildProcess }>): SlurmCluster {
  let stopped = false;
  const command: SlurmCluster['command'] = (name, args, options = {}) =>
    run(name, args, { cwd: options.cwd, env: { ...env, ...options.env }, timeoutMs: options.timeoutMs ?? 60_000 });
  const logs = () => {
    const parts: string[] = [];
    for (const name of DAEMONS) {
      // a daemon's log file once it has opened it, what it printed before (or instead) otherwise
      const f = [`${name}.log`, `${name}.out`].find((g) => existsSync(join(dir, g)));
      if (f === undefined) continue;
      const p = join(dir, f);
      const lines = readFileSync(p, 'utf8').trimEnd().split('\n');
      parts.push(`--- ${f} (last ${Math.min(lines.length, 25)} of ${lines.length} lines)\n${lines.slice(-25).join('\n')}`);
    }
    return parts.join('\n');
  };
  const job = async (id: number): Promise<JobInfo | null> => {
    const r = await command('scontrol', ['show', 'job', '-o', String(id)]);
    if (r.code !== 0) {
      if (/Invalid job id/i.test(r.stderr)) return null;
      throw new Error(`scontrol show job ${id}: exit ${r.code}: ${r.stderr.trim()}`);
    }
    const line = r.stdout.trim();
    const field = (k: string) => new RegExp(`(?:^|\\s)${k}=(\\S*)`).exec(line)?.[1] ?? '';
    return { id, state: field('JobState'), exitCode: field('ExitCode'), reason: field('Reason'), line };
  };
  const killMarked = () => {
    for (const pid of markedProcesses(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const onExit = () => {
    // the test process is ending without stop() (a crash, a timeout): end everything, synchronously
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    killMarked();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  return {
    dir, conf, node, env, command, job, logs,
    async sbatch(args, options) {
      const r = await command('sbatch', ['--parsable', ...args], { cwd: options.cwd, env: options.env });
      const id = Number(r.stdout.trim().split(';')[0]);
      if (r.code !== 0 || !Number.isInteger(id)) throw new Error(`sbatch ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}\n${logs()}`);
      return id;
    },
    async waitForJobEnd(id, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last = 'not asked yet';
      for (;;) {
        // a loaded slurmctld may time out on a query: ask again until the deadline
        const info = await job(id).catch((e: Error) => e);
        if (info === null) throw new Error(`job ${id}: scontrol does not know it\n${logs()}`);
        if (!(info instanceof Error) && FINAL_STATES.includes(info.state)) return info;
        last = info instanceof Error ? info.message : info.line;
        if (Date.now() > deadline) throw new Error(`job ${id} not ended after ${timeoutMs} ms: ${last}\n${logs()}`);
        await sleep(250);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
      const ctld = children.find((c) => c.name === 'slurmctld');
      if (ctld && alive(ctld.child)) {
        // cancel what is left, and let slurmd clean up its job processes
        const q = await command('squeue', ['-h', '-o', '%i'], { timeoutMs: 30_000 });
        const ids = q.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
        if (ids.length > 0) {
          await command('scancel', ['--quiet', ...ids], { timeoutMs: 30_000 });
          await until(async () => (await command('squeue', ['-h', '-o', '%i'], { timeoutMs: 30_000 })).stdout.trim() === '', 30_000, () => null, '').catch(() => {});
        }
      }
      // slurmd and slurmctld before munged, whose socket they use to the end
      for (const names of [['slurmd', 'slurmctld'], ['munged']]) {
        const these = children.filter((c) => names.includes(c.name) && alive(c.child));
        for (const c of these) c.child.kill('SIGTERM');
        await until(() => these.every((c) => !alive(c.child)), 20_000, () => null, '').catch(() => {
          for (const c of these) if (alive(c.child)) c.child.kill('SIGKILL');
        });
      }
      killMarked();
      await until(() => markedProcesses(dir).length === 0, 10_000, () => null, '').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The environment for the daemons, Slurm's commands and the jobs: nothing of an enclosing Slurm job. */
function clusterEnv(dir: string, conf: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // SBATCH_* and SLURM_* would be read as options or describe another allocation
    if (!/^(SLURM|SBATCH|SALLOC|SRUN|SQUEUE|SINFO|SCONTROL|SCANCEL)_/.test(k)) env[k] = v;
  }
  env.SLURM_CONF = conf;
  env[MARKER] = dir;
  // the jobs run `node dist/main.js`: the node running the tests, whatever PATH says
  env.PATH = `${dirname(process.execPath)}:${env.PATH ?? '/usr/local/bin:/usr/bin:/bin'}:/usr/sbin:/sbin`;
  return env;
}

/** Processes whose environment carries this cluster's marker (its daemons' children and its jobs). */
function markedProcesses(dir: string): number[] {
  const needle = `\0${MARKER}=${dir}\0`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (`\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(needle)) found.push(pid);
    } catch {
      // gone, or a kernel thread
    }
  }
  return found;
}

function which(program: string): string | null {
  for (const d of `${process.env.PATH ?? ''}:/usr/sbin:/sbin:/usr/bin:/bin`.split(':')) {
    if (d && existsSync(join(d, program))) return join(d, program);
  }
  return null;
}

function run(file: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Exec> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}${e.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function until(ok: () => boolean | Promise<boolean>, timeoutMs: number, failed: () => string | null, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ok()) return;
    const f = failed();
    if (f) throw new SlurmStartError(f);
    if (Date.now() > deadline) throw new SlurmStartError(`${what} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function freePorts(n: number): Promise<number[]> {
  // listen on port 0 n times at once (so the ports differ), note them, close
  return Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  ).then((servers) => Promise.all(servers.map((s) => new Promise<number>((resolve) => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  }))));
}
