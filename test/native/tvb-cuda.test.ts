/**
 * The CUDA kernel of native/tvb (cuda_simulation.cu, arithmetic in instance_kernel.h: a thread block per
 * group of 1, 8 or 32 instances (lanes), the nodes over its threads, two barriers per step) and the
 * sigmoidal coupling.
 *
 * Everywhere: the CUDA kernel's own code run on the host (engine cuda-code-on-cpu, the device's layout
 * for each lane count) gives the CPU kernel's numbers bit for bit, for every model and coupling,
 * deterministic and stochastic, with parameters, couplings and speeds per instance, over several groups
 * and a padded last one: the indexing of the GPU layout, its streamed pairwise sums and its ring are the
 * CPU kernel's. Where this machine has a GPU: the device against the CPU
 * kernel, for each lane count (bit for bit where a model uses only + - * / and comparisons, within 1e-6
 * where CUDA's exp, pow or sin take part, 1e-4 for the Epileptor's seizures, 1e-2 for chaotic Kuramoto); where it has
 * none, the engine is refused with the reason gpu() gives.
 */
import t from 'tap';
import { loadTvb } from '../../src/native/loader.js';
import type { TvbSimulateOptions } from '../../src/native/tvb.js';
import { CASES, conn76, initialState } from '../helpers/tvb.js';

const tvb = loadTvb();
const N = 76;
const k76 = conn76();
const P = 3;

/** A run of P instances of a case, each its own speed, coupling parameters and first model parameter. */
function run(c: (typeof CASES)[number], coupling: TvbSimulateOptions['coupling'], steps: number, noisy: boolean, oneSpeed = false, P = 3): TvbSimulateOptions {
  const per = coupling === 'linear' ? [0.00390625, 0.01] : coupling === 'kuramoto' ? [1] : [-0.5, 2, 0.5, 1, 3];
  const coupling_params = Float64Array.from({ length: P * per.length }, (_, k) => per[k % per.length] * (1 + (0.5 * Math.floor(k / per.length)) / Math.max(1, P - 1)));
  const params = Float64Array.from({ length: P * c.params.length }, (_, k) => c.params[k % c.params.length]);
  const x0 = initialState(c.cols, N, c.ic);
  return {
    model: c.model, nodes: N, instances: P, steps, dt: 0.1, threads: 2, connectome: k76, coupling, coupling_params,
    speed: oneSpeed ? Float64Array.of(3) : Float64Array.from({ length: P }, (_, p) => 2.5 + (3 * p) / Math.max(1, P - 1)), params, x0,
    record: { every: 10, state: Int32Array.from(c.vars.map((_, s) => s)) },
    ...(noisy ? { noise: { nsig: new Float64Array(c.vars.length).fill(1e-4), seeds: Uint32Array.from({ length: P }, (_, p) => 7 + p) } } : {}),
  };
}

const variants = CASES.flatMap((c) => (c.model === 'kuramoto' ? (['kuramoto', 'sigmoidal'] as const) : (['linear', 'sigmoidal'] as const)).map((coupling) => ({ c, coupling })));

for (const { c, coupling } of variants) {
  t.test(`${c.model}, ${coupling} coupling: the CUDA kernel's code on the host = the CPU kernel, bit for bit`, async (t) => {
    // one speed: the CPU kernel runs its lane-major kernel; a speed per instance: one instance at a time.
    // 10 instances: 10 groups of 1 lane, 2 of 8 (the second padded with 6 copies), 1 of 32 (22 copies)
    const P = 10;
    for (const [noisy, oneSpeed] of [[false, true], [true, true], [false, false], [true, false]]) {
      const options = run(c, coupling, 600, noisy, oneSpeed, P);
      const cpu = await tvb.simulate(options);
      t.ok(cpu.observed.length === P * 60 * c.vars.length * N && cpu.observed.every(Number.isFinite), `${noisy ? 'stochastic' : 'deterministic'}: ${cpu.observed.length} finite samples`);
      const per = cpu.observed.length / P;
      t.notOk(cpu.observed.subarray(0, per).every((x, k) => x === cpu.observed[per + k]), 'the instances differ');
      for (const lanes of [1, 8, 32] as const) {
        const gpuCode = await tvb.simulate({ ...options, engine: 'cuda-code-on-cpu', lanes });
        t.equal(gpuCode.samples, 60);
        let same = 0;
        cpu.observed.forEach((x, k) => (same += Object.is(x, gpuCode.observed[k]) ? 1 : 0));
        t.equal(same, cpu.observed.length, `${noisy ? 'stochastic' : 'deterministic'}, ${oneSpeed ? 'one speed' : 'a speed per instance'}, ${lanes} lanes: ${same} of ${cpu.observed.length} values identical`);
        t.same(Array.from(gpuCode.finished), Array(P).fill(1));
      }
    }
  });
}

t.test('lanes: 0 (by the instance count), 1, 8 or 32; anything else is refused before the run', async (t) => {
  const c = CASES[0];
  t.throws(() => tvb.simulate({ ...run(c, 'linear', 10, false), engine: 'cuda-code-on-cpu', lanes: 4 as never }), /simulate: lanes must be 0 \(by the instance count\), 1, 8 or 32, got 4/);
  // by the instance count, as on a device of one multiprocessor: 3 instances -> 1 lane, 64 -> 32 lanes; the same numbers
  const options = run(c, 'linear', 600, true, false, 64);
  const [cpu, auto] = await Promise.all([tvb.simulate(options), tvb.simulate({ ...options, engine: 'cuda-code-on-cpu' })]);
  t.ok(cpu.observed.every((x, k) => Object.is(x, auto.observed[k])), `64 instances, lanes by the count: all ${cpu.observed.length} values identical`);
});

t.test('sigmoidal coupling: c_i = cmin + (cmax - cmin) / (1 + exp(-a (s_i - midpoint) / sigma)), s_i = sum_j w_ij x_j', async (t) => {
  // Kuramoto's dtheta/dt = omega + c_theta with the coupling frozen over the Heun step: one step gives
  // theta1 = theta0 + dt (omega + c) (k1 = k2), so c comes back as (theta1 - theta0) / dt - omega, to
  // about 1e-14 (the rounding of theta near 2 pi, over dt); s here is summed in float64 from the float32
  // weights and history, the kernel's in float32, so the two agree within float32's relative 1e-7 of
  // the largest term, far below the tolerance of 1e-5 relative and far above nothing.
  const c = CASES.find((x) => x.model === 'kuramoto')!;
  const [cmin, cmax, midpoint, a, sigma] = [-0.5, 2, 1.5, 1.2, 2];
  const x0 = initialState(c.cols, N, c.ic);
  const r = await tvb.simulate({ ...run(c, 'sigmoidal', 1, false), instances: 1, coupling_params: Float64Array.of(cmin, cmax, midpoint, a, sigma), speed: Float64Array.of(4), params: Float64Array.of(1), record: { every: 1, state: Int32Array.of(0) } });
  let worst = 0, spread = [Infinity, -Infinity];
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let e = k76.row_start[i]; e < k76.row_start[i + 1]; e++) s += k76.weight[e] * Math.fround(x0[k76.source[e]]);
    const want = cmin + (cmax - cmin) / (1 + Math.exp(-a * ((s - midpoint) / sigma)));
    const got = (r.observed[i] - x0[i]) / 0.1 - 1;
    worst = Math.max(worst, Math.abs(got - want) / Math.abs(want));
    spread = [Math.min(spread[0], want), Math.max(spread[1], want)];
  }
  t.ok(spread[1] - spread[0] > 0.5, `the sigmoid's values span ${spread[0].toFixed(3)} to ${spread[1].toFixed(3)} over the regions (not its flat ends)`);
  t.ok(worst < 1e-5, `worst relative difference ${worst.toExponential(2)} over ${N} regions`);
});

t.test('the CUDA engine: against the CPU kernel on a GPU, else refused with the reason', async (t) => {
  const gpu = tvb.gpu();
  t.equal(typeof gpu.built, 'boolean');
  if (gpu.devices === 0) {
    t.match(gpu.reason, /CUDA/, `no GPU here: ${gpu.reason}`);
    t.throws(() => tvb.simulate({ ...run(CASES[0], 'linear', 10, false), engine: 'cuda' }), new RegExp(`engine cuda: ${gpu.reason.replace(/[()]/g, '\\$&')}`));
    return;
  }
  t.comment(`GPU: ${gpu.device} (${gpu.devices})`);
  for (const { c, coupling } of variants) for (const lanes of [1, 8, 32] as const) {
    const options = run(c, coupling, 2000, false, false, 10);
    const [cpu, dev] = await Promise.all([tvb.simulate(options), tvb.simulate({ ...options, engine: 'cuda', lanes })]);
    let same = 0, worst = 0;
    cpu.observed.forEach((x, k) => {
      same += Object.is(x, dev.observed[k]) ? 1 : 0;
      worst = Math.max(worst, Math.abs(x - dev.observed[k]) / Math.max(1e-12, Math.abs(x)));
    });
    // G2DO and the Epileptor with linear coupling take only + - * / and comparisons: float64 the same on
    // both; elsewhere CUDA's exp, pow and float32 sin differ from the C library's in the last bit now and
    // then (the Epileptor's seizures grow them: an ulp of cmax at every step moves its sigmoidal run by
    // 2.1e-7 relative in these 200 ms on the CPU, so 1e-4 there; Kuramoto is chaotic and lets them grow
    // most, with the stronger couplings of 10 instances to 1.2e-3 relative in 200 ms on an H200, so 1e-2
    // there: a wrong delay or lane moves phases by O(1))
    const exact = (c.model === 'generic_2d_oscillator' || c.model === 'epileptor') && coupling === 'linear';
    const tolerance = c.model === 'kuramoto' ? 1e-2 : c.model === 'epileptor' ? 1e-4 : 1e-6;
    t.ok(exact ? same === cpu.observed.length : worst < tolerance, `${c.model}, ${coupling}, ${lanes} lanes: ${same} of ${cpu.observed.length} identical, worst relative difference ${worst.toExponential(2)}`);
    t.same(Array.from(dev.finished), Array(10).fill(1));
  }
});
