/**
 * Command dispatch. Every command has --help; usage errors exit 2 with one line (one per problem in an
 * experiment file) and no stack trace.
 */
import { debug, EXIT, explain, UsageError } from './exit-codes.js';
import { exportCommand, EXPORT_HELP } from './export-command.js';
import { listCommand, LIST_HELP } from './list-command.js';
import { reportCommand, REPORT_HELP } from './report-command.js';
import { runCommand, RUN_HELP } from './run-command.js';
import { validateCommand, VALIDATE_HELP } from './validate-command.js';
import { version } from '../runtime/version.js';

const HELP = `usage: node dist/main.js <command> [options]

Gradient-free (meta-)optimization of simulations, as one MPI job:
  mpirun -n N node dist/main.js run experiment.yaml     (rank 0 optimizes, ranks 1..N-1 simulate)
  node dist/main.js run experiment.yaml                 (one process does both)

commands:
  run EXPERIMENT.yaml    run an experiment (see 'run --help'; --dry-run shows what it would do)
  validate EXPERIMENT.yaml   check an experiment file without running it
  export RESULTS_DIR     (re)write RESULTS_DIR/trajectory.h5 (HDF5) from the run's journal, e.g. after a kill
  report RESULTS_DIR     figures (SVG, PNG) and a self-contained report.html of a run (see 'report --help')
  list optimizers        every optimizer with its hyper-parameters, defaults and a description
  list optimizees        every optimizee (model) with its settings
  help [COMMAND]         show help
  version                print the version

--debug (any command): errors that are one line also show their stack trace.

Exit codes: 0 done, 2 bad input, 3 run failed, 130 interrupted, 1 internal error.
`;

/** How long a rank other than 0 waits before it exits on a usage error (rank 0 prints it). */
const USAGE_EXIT_DELAY_MS = 3000;

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--debug')) {
    debug.on = true;
    argv = argv.filter((a) => a !== '--debug');
  }
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(rest[0] === 'run' ? RUN_HELP : rest[0] === 'list' ? LIST_HELP : rest[0] === 'validate' ? VALIDATE_HELP : rest[0] === 'export' ? EXPORT_HELP : rest[0] === 'report' ? REPORT_HELP : HELP);
        return EXIT.ok;
      case 'version':
      case '--version':
        process.stdout.write(`${version()}\n`);
        return EXIT.ok;
      case 'run':
        return await runCommand(rest);
      case 'list':
        return listCommand(rest);
      case 'validate':
        return validateCommand(rest);
      case 'export':
        return await exportCommand(rest);
      case 'report':
        return await reportCommand(rest);
      default:
        throw new UsageError(`unknown command '${cmd}'; expected one of run, validate, export, report, list, help, version (see --help)`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      // every rank of an mpirun job has the same argv and environment, hence the same error: one says it
      const rank = process.env.OMPI_COMM_WORLD_RANK ?? process.env.PMIX_RANK ?? '0';
      if (rank === '0') process.stderr.write(`error: ${explain(err)}\n`);
      // mpirun ends the job at the first non-zero exit: the others leave rank 0 time to say it
      else await new Promise((r) => setTimeout(r, USAGE_EXIT_DELAY_MS));
      return EXIT.usage;
    }
    throw err;
  }
}
