export { linearInverseOptimizee, linearInverseSchema, LinearInverseOptimizee, type LinearInverseConfig } from './optimizee.js';
