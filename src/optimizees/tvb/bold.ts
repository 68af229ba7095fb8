/**
 * A BOLD signal from a region's neural activity: the Balloon-Windkessel haemodynamic model as TVB's
 * BalloonModel analyzer computes it (tvb.analyzers.fmri_balloon, its defaults: the revised coefficients
 * and the non-linear BOLD equation of Stephan et al. 2007, NeuroImage 38:387, eqs. 4-13), so a TVB user
 * gets the same signal (test/optimizees/tvb-bold.test.ts: TVB's own output to 1e-12).
 *
 *   ds/dt = x - s / tau_s - (f - 1) / tau_f            x: the neural activity (the observable)
 *   df/dt = s                                          s: vasodilatory signal, f: inflow
 *   dv/dt = (f - v^(1/alpha)) / tau_o                  v: venous volume
 *   dq/dt = (f (1 - (1 - E0)^(1/f)) / E0 - v^(1/alpha) q / v) / tau_o     q: deoxyhaemoglobin
 *   y = V0 (k1 (1 - q) + k2 (1 - q / v) + k3 (1 - v)),
 *   k1 = 4.3 nu0 E0 TE, k2 = epsilon r0 E0 TE, k3 = 1 - epsilon
 *
 * Integration: Heun's method at the sampling interval of the activity (TVB's HeunDeterministic with
 * dt = the sample period), the activity of the step's end held over the step, from rest (s = 0,
 * f = v = q = 1, y = 0); every operation in TVB's order. The haemodynamics are slow (time constants
 * about a second), so a millisecond's step is far inside Heun's accuracy; the test also checks the
 * steady state of a constant input against its closed form.
 */

export interface BalloonParameters {
  /** Seconds: signal decay, flow-dependent elimination, haemodynamic transit. */
  tau_s: number;
  tau_f: number;
  tau_o: number;
  /** Grubb's exponent. */
  alpha: number;
  /** Echo time (s), resting blood volume fraction, resting oxygen extraction, intra/extravascular ratio. */
  TE: number;
  V0: number;
  E0: number;
  epsilon: number;
  /** Frequency offset (Hz) and slope of intravascular relaxation (Hz). */
  nu_0: number;
  r_0: number;
}

/** TVB's BalloonModel defaults (a 1.5 T scanner). */
export const BALLOON_DEFAULTS: BalloonParameters = { tau_s: 1.54, tau_f: 1.44, tau_o: 0.98, alpha: 0.32, TE: 0.04, V0: 4.0, E0: 0.4, epsilon: 0.5, nu_0: 40.3, r_0: 25 };

/**
 * The BOLD signal of every region of a series (samples x nodes, sample k at time k dt), dt in seconds:
 * samples x nodes, the first sample the resting 0.
 */
export function balloonBold(series: ArrayLike<number>, samples: number, nodes: number, dtSeconds: number, p: BalloonParameters = BALLOON_DEFAULTS): Float64Array {
  const k1 = 4.3 * p.nu_0 * p.E0 * p.TE, k2 = p.epsilon * p.r_0 * p.E0 * p.TE, k3 = 1 - p.epsilon;
  const rs = 1 / p.tau_s, rf = 1 / p.tau_f, ro = 1 / p.tau_o, ra = 1 / p.alpha, dt = dtSeconds;
  const out = new Float64Array(samples * nodes);
  for (let i = 0; i < nodes; i++) {
    let s = 0, f = 1, v = 1, q = 1;
    for (let k = 1; k < samples; k++) {
      const x = series[k * nodes + i];
      // k1 of Heun at (s, f, v, q), then at the Euler point, the activity held
      const ds1 = x - rs * s - rf * (f - 1), df1 = s, dv1 = ro * (f - v ** ra), dq1 = ro * ((f * (1 - (1 - p.E0) ** (1 / f))) / p.E0 - v ** ra * (q / v));
      const si = s + dt * ds1, fi = f + dt * df1, vi = v + dt * dv1, qi = q + dt * dq1;
      const ds2 = x - rs * si - rf * (fi - 1), df2 = si, dv2 = ro * (fi - vi ** ra), dq2 = ro * ((fi * (1 - (1 - p.E0) ** (1 / fi))) / p.E0 - vi ** ra * (qi / vi));
      s += ((ds1 + ds2) * dt) / 2;
      f += ((df1 + df2) * dt) / 2;
      v += ((dv1 + dv2) * dt) / 2;
      q += ((dq1 + dq2) * dt) / 2;
      out[k * nodes + i] = p.V0 * (k1 * (1 - q) + k2 * (1 - q / v) + k3 * (1 - v));
    }
  }
  return out;
}

/** The closed-form steady state of a constant activity x: the BOLD value the model settles at. */
export function balloonSteadyState(x: number, p: BalloonParameters = BALLOON_DEFAULTS): number {
  // s = 0; f = 1 + tau_f x; v = f^alpha (v^(1/alpha) = f); q = v (1 - (1 - E0)^(1/f)) / E0
  const f = 1 + p.tau_f * x;
  const v = f ** p.alpha;
  const q = (v * (1 - (1 - p.E0) ** (1 / f))) / p.E0;
  const k1 = 4.3 * p.nu_0 * p.E0 * p.TE, k2 = p.epsilon * p.r_0 * p.E0 * p.TE, k3 = 1 - p.epsilon;
  return p.V0 * (k1 * (1 - q) + k2 * (1 - q / v) + k3 * (1 - v));
}
