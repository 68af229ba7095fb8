#!/usr/bin/python3
"""Quality baselines for bench/quality: DEAP's GA (configured like the reference GA), DEAP's CMA-ES,
Optuna's CMA-ES and TPE samplers, on the project's 10-D Rastrigin, Rosenbrock and Ackley.

    /usr/bin/python3 bench/quality/baselines.py --config IN.json --out OUT.json [--jobs 2]
    /usr/bin/python3 bench/quality/baselines.py --check 0.1,0.2,...      # the three values at one point

The config (written by bench/quality/run.ts from bench/quality/settings.ts, so both sides share one set of
settings) holds the functions with their boxes, seeds, budget, GA settings, CMA-ES sigma0 and per-seed x0,
and the TPE budget. Every run minimises f(clip(x)), counts evaluations, and stops at the budget: the
generation that crosses it is evaluated only up to the budget. The output holds, per baseline, function
and seed, the best value found, the evaluations used and the seconds the run took.
"""
import argparse
import json
import math
import multiprocessing
import pickle
import random
import sys
import time

import numpy as np
import optuna
from deap import base, cma, creator, tools

TWO_PI = 2 * math.pi


# The formulas of src/optimizees/benchmark/functions.ts, term for term.
def rastrigin(x):
    return sum(v * v + 10 - 10 * math.cos(TWO_PI * v) for v in x)


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] * x[i]) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def ackley(x):
    d = len(x)
    sq = sum(v * v for v in x)
    cs = sum(math.cos(TWO_PI * v) for v in x)
    return math.e + 20 - 20 * math.exp(-0.2 * math.sqrt(sq / d)) - math.exp(cs / d)


FUNCTIONS = {'rastrigin': rastrigin, 'rosenbrock': rosenbrock, 'ackley': ackley}

creator.create('FitnessMin', base.Fitness, weights=(-1.0,))
creator.create('Individual', list, fitness=creator.FitnessMin)


class Budget:
    """Counts evaluations of f(clip(x)) and keeps the best; full() once the budget is spent."""

    def __init__(self, fn, lo, hi, budget):
        self.fn, self.lo, self.hi, self.budget = fn, lo, hi, budget
        self.used, self.best = 0, math.inf

    def __call__(self, x):
        v = self.fn([min(max(float(c), self.lo), self.hi) for c in x])
        self.used += 1
        self.best = min(self.best, v)
        return v

    def full(self):
        return self.used >= self.budget


def clip(ind, lo, hi):
    for i, v in enumerate(ind):
        ind[i] = min(max(v, lo), hi)


def deap_ga(f, lo, hi, dim, seed, s):
    """The reference GA (L2L GeneticAlgorithmOptimizer): a DEAP eaSimple-like loop, whole population replaced;
    exact duplicates mutated again with probability 0.8; only individuals an operator touched re-evaluated."""
    random.seed(seed)
    tb = base.Toolbox()
    tb.register('mate', tools.cxBlend, alpha=s['mate_par'])
    tb.register('mutate', tools.mutGaussian, mu=0, sigma=s['mut_par'], indpb=s['ind_prob'])
    tb.register('select', tools.selTournament, tournsize=s['tourn_size'])
    n = s['pop_size']
    pop = [creator.Individual(random.uniform(lo, hi) for _ in range(dim)) for _ in range(n)]
    while True:
        for ind in (i for i in pop if not i.fitness.valid):
            if f.full():
                return
            ind.fitness.values = (f(ind),)
        off = [tb.clone(i) for i in tb.select(pop, n)]
        for a, b in zip(off[::2], off[1::2]):
            if random.random() < s['cx_prob']:
                tb.mate(a, b)
                clip(a, lo, hi)
                clip(b, lo, hi)
                del a.fitness.values, b.fitness.values
        for m in off:
            if random.random() < s['mut_prob']:
                tb.mutate(m)
                clip(m, lo, hi)
                del m.fitness.values
        if len(set(map(tuple, off))) < len(off):
            for i, a in enumerate(off[:-1]):
                for b in off[i + 1:]:
                    if tuple(a) == tuple(b) and random.random() < 0.8:
                        tb.mutate(b)
                        clip(b, lo, hi)
                        del b.fitness.values
        pop[:] = off


def deap_cma(f, lo, hi, dim, seed, s):
    """deap.cma.Strategy, default lambda = 4 + 3 ln(dim), no restarts, no stop criterion: the full budget
    (unless its linear algebra breaks down, which ends the run where it happened)."""
    np.random.seed(seed)
    strategy = cma.Strategy(centroid=list(s['x0']), sigma=s['sigma0'])
    while not f.full():
        pop = strategy.generate(creator.Individual)
        for ind in pop:
            if f.full():
                return
            ind.fitness.values = (f(ind),)
        try:
            with np.errstate(over='raise', divide='raise', invalid='raise', under='ignore'):
                strategy.update(pop)
        except (FloatingPointError, np.linalg.LinAlgError) as e:
            return f'linear algebra stopped it: {e}'


def optuna_stop_when_converged(study, trial):
    """Optuna's CMA-ES without restart_strategy samples a converged distribution forever; stop the study
    when the sampler's own cmaes.CMA says should_stop() (tolfun, tolx, condition, no-effect axis)."""
    attrs = {k: v for k, v in trial.system_attrs.items() if k.startswith('cma:optimizer:')}
    if attrs:
        opt = pickle.loads(bytes.fromhex(''.join(attrs[f'cma:optimizer:{i}'] for i in range(len(attrs)))))
        if opt.should_stop():
            study.stop()


def optuna_run(f, lo, hi, dim, seed, s, kind):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if kind == 'cma':
        x0 = {f'x{i}': float(v) for i, v in enumerate(s['x0'])}
        sampler = optuna.samplers.CmaEsSampler(x0=x0, sigma0=s['sigma0'], seed=seed)
    else:
        sampler = optuna.samplers.TPESampler(seed=seed)
    study = optuna.create_study(sampler=sampler, direction='minimize')
    names = [f'x{i}' for i in range(dim)]
    callbacks = [optuna_stop_when_converged] if kind == 'cma' else []
    study.optimize(lambda t: f([t.suggest_float(n, lo, hi) for n in names]), n_trials=f.budget, callbacks=callbacks)
    if kind == 'cma' and f.used < f.budget:
        return 'stopped at its CMA should_stop()'


BASELINES = {
    'deap-ga': deap_ga,
    'deap-cmaes': deap_cma,
    'optuna-cmaes': lambda *a: optuna_run(*a, 'cma'),
    'optuna-tpe': lambda *a: optuna_run(*a, 'tpe'),
}


def one_run(task):
    name, fn, lo, hi, dim, seed, budget, s = task
    f = Budget(FUNCTIONS[fn], lo, hi, budget)
    t0 = time.perf_counter()
    note = None
    try:
        note = BASELINES[name](f, lo, hi, dim, seed, s)
    except Exception as e:  # a failing baseline is reported, never fatal
        return {'baseline': name, 'function': fn, 'seed': seed, 'error': f'{type(e).__name__}: {e}'}
    return {'baseline': name, 'function': fn, 'seed': seed, 'best': f.best, 'evaluations': f.used,
            'seconds': time.perf_counter() - t0, 'note': note}


def tasks(cfg):
    out = []
    for name in cfg['baselines']:
        budget = cfg['budgets'].get(name, cfg['budget'])
        for p in cfg['functions']:
            for k, seed in enumerate(cfg['seeds']):
                s = dict(cfg['ga']) if name == 'deap-ga' else {'sigma0': p['sigma0'], 'x0': p['x0'][k]}
                out.append((name, p['name'], p['lo'], p['hi'], p['dim'], seed, budget, s))
    # the slow samplers first, so that the pool's workers finish together
    slow = {'optuna-tpe': 0, 'optuna-cmaes': 1}
    return sorted(out, key=lambda t: slow.get(t[0], 2))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--config')
    ap.add_argument('--out')
    ap.add_argument('--jobs', type=int, default=1)
    ap.add_argument('--check', help='comma-separated point: print the three functions there as JSON')
    a = ap.parse_args()
    if a.check:
        x = [float(v) for v in a.check.split(',')]
        print(json.dumps({k: fn(x) for k, fn in FUNCTIONS.items()}))
        return
    with open(a.config) as fh:
        cfg = json.load(fh)
    work = tasks(cfg)
    t0 = time.perf_counter()
    if a.jobs > 1:
        with multiprocessing.Pool(a.jobs) as pool:
            runs = pool.map(one_run, work, chunksize=1)
    else:
        runs = [one_run(t) for t in work]
    result = {'runs': runs, 'seconds': time.perf_counter() - t0, 'jobs': a.jobs,
              'versions': {'deap': __import__('deap').__version__, 'optuna': optuna.__version__,
                           'numpy': np.__version__, 'python': sys.version.split()[0]}}
    with open(a.out, 'w') as fh:
        json.dump(result, fh)


if __name__ == '__main__':
    main()
