export * from './functions.js';
export { cholesky, gaussian } from './gaussian.js';
export {
  buildFunction, checkFunction, functionBounds, functionSpecSchema, FUNCTION_NAMES, LANGERMANN_DEFAULT, SHEKEL_DEFAULT,
  type FunctionName, type FunctionSpec, type Problem,
} from './catalog.js';
export { getPreset, PRESET_NAMES, presetNameSchema, type Preset } from './presets.js';
export { FunctionGenerator, sumBounds, type NoiseConfig } from './generator.js';
export { benchmarkOptimizee, benchmarkSchema, BenchmarkOptimizee, resolveBenchmark, type BenchmarkConfig, type ResolvedBenchmark } from './optimizee.js';
