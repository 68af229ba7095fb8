/**
 * The model files this package ships (native/tvb/models, the ones the kernel was generated from), read
 * once per process, and the connectomes it ships (native/tvb/connectomes).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../native/loader.js';
import { readModelDir, type ModelDecl } from './model-file.js';

let cached: ModelDecl[] | null = null;

/**
 * The shipped models' names, from the file names alone (a model file is named after its model): what
 * the schema's description lists at import, on every rank, without parsing a model file.
 */
export function shippedModelNames(): string[] {
  return readdirSync(join(packageRoot(), 'native', 'tvb', 'models')).filter((f) => f.endsWith('.yaml')).sort().map((f) => f.slice(0, -'.yaml'.length));
}

export function shippedModels(): ModelDecl[] {
  cached ??= readModelDir(join(packageRoot(), 'native', 'tvb', 'models'));
  return cached;
}

export function shippedModel(name: string): ModelDecl | undefined {
  return shippedModels().find((m) => m.name === name);
}

/** A connectome name shipped with the package, or a folder. */
export function connectomeDir(nameOrDir: string): string {
  return /^[A-Za-z0-9_]+$/.test(nameOrDir) ? join(packageRoot(), 'native', 'tvb', 'connectomes', nameOrDir) : nameOrDir;
}
