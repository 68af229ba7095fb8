/**
 * Reads an experiment file (YAML or JSON) and resolves it (src/experiment/resolve.ts): every problem
 * is a ConfigError with one line per problem.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { ResolvedExperiment } from '../experiment/config.js';
import { ConfigError, resolveExperiment } from '../experiment/resolve.js';

export { ConfigError, resolveExperiment } from '../experiment/resolve.js';

export function readExperimentFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path}: cannot read the experiment file (${code === 'ENOENT' ? 'no such file' : code ?? String(err)})`, { cause: err });
  }
  if (path.endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`${path}: not valid JSON: ${(err as Error).message.split('\n')[0]}`, { cause: err });
    }
  }
  // Warnings (an unknown directive, an unresolved tag) are errors too: the file does not mean what it
  // seems to, and the YAML library would otherwise print them as process warnings, apart from ours.
  const doc = parseDocument(text, { logLevel: 'silent' });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw new ConfigError(`${path}: not valid YAML: ${problem.message.split('\n')[0]}`, { cause: problem });
  try {
    return doc.toJS();
  } catch (err) {
    throw new ConfigError(`${path}: not valid YAML: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
}

export function loadExperiment(path: string, seedOverride?: number): ResolvedExperiment {
  return resolveExperiment(readExperimentFile(path), path, seedOverride);
}
