"""An example simulation for the `python` optimizee: a noisy quadratic bowl around a target.

l2l-mpi imports this module once per worker (in a child process of the worker rank), calls setup(args)
once, then evaluate(params, context) for every individual. Run it with:

    launch/mpirun.sh -n 4 node dist/main.js run examples/python-quadratic.yaml
"""
import numpy as np

target = None
noise = 0.0


def setup(args):
    """Once per process: load data, build the network, warm the simulator."""
    global target, noise
    target = np.asarray(args["target"], dtype=float)
    noise = float(args.get("noise", 0.0))


def evaluate(params, context):
    """One individual: params maps names to floats (array parameters: numpy arrays)."""
    rng = np.random.default_rng(context["seed"])  # the individual's own seed: reproducible noise
    weights = params["weights"]
    error = float(np.sum((weights - target) ** 2)) + params["bias"] ** 2
    # a fitness, a list of fitness values, or a dict with model outputs as well
    return {"fitness": error * (1 + noise * rng.standard_normal()), "outputs": (weights - target).tolist()}
