#!/usr/bin/env node
/** Entry point: `node dist/main.js <command> ...`. All logic lives in src/cli. */
import { main } from './cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
