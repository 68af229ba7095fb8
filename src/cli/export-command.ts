/**
 * `export DIR`: writes DIR/trajectory.h5 from the run's journal (generations.msgpack) and config.json.
 * Every run already writes it at its end; this redoes it, e.g. for a run that was killed (the journal's
 * complete generations are taken and a truncated last record is ignored, with a note saying so).
 */
import { parseArgs } from 'node:util';
import { EXIT, UsageError } from './exit-codes.js';
import { JournalError } from '../results/journal.js';
import { TrajectoryError, writeTrajectory } from '../results/trajectory-h5.js';

export const EXPORT_HELP = `usage: node dist/main.js export RESULTS_DIR

Writes RESULTS_DIR/trajectory.h5 (HDF5; h5py reads it, see docs/results.md) from the run's journal,
generations.msgpack, and its config.json, replacing any trajectory.h5 there. Every run writes it at its
end; export is for a run that was killed, or to write it again. A journal whose last record was cut off
(a run killed while writing) is read up to its last complete generation, and export says what it left out.
Exit code 0 when written, 2 when RESULTS_DIR holds no readable journal.
`;

export async function exportCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { help: { type: 'boolean', short: 'h', default: false } } });
  } catch (err) {
    throw new UsageError(`export: ${(err as Error).message.split('\n')[0]} (see export --help)`);
  }
  if (parsed.values.help) {
    process.stdout.write(EXPORT_HELP);
    return EXIT.ok;
  }
  if (parsed.positionals.length !== 1) throw new UsageError(`export: expected one results directory, got ${parsed.positionals.length} (see export --help)`);
  const dir = parsed.positionals[0];
  let r;
  try {
    r = await writeTrajectory(dir);
  } catch (err) {
    if (err instanceof TrajectoryError || err instanceof JournalError) throw new UsageError(`export: ${err.message}`);
    throw err;
  }
  if (r.truncated) {
    process.stdout.write(`note: generations.msgpack ends in an incomplete record (${r.ignoredBytes} bytes: the run was killed while writing it, or is still running); ` +
      `took the ${r.generations} complete generations before it\n`);
  }
  process.stdout.write(`wrote ${r.file}: ${r.generations} generations, ${r.individuals} individuals, ${mib(r.bytes)} in ${r.seconds.toFixed(2)} s\n`);
  return EXIT.ok;
}

function mib(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}
