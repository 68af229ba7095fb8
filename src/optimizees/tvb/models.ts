/**
 * The model files this package ships (native/tvb/models, the ones the kernel was generated from), read
 * once per process, and the connectomes it ships (native/tvb/connectomes).
 */
import { join } from 'node:path';
import { packageRoot } from '../../native/loader.js';
import { readModelDir, type ModelDecl } from './model-file.js';

let cached: ModelDecl[] | null = null;

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
