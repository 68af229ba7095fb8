"""A deterministic model: a shifted quadratic with a little noise drawn from the individual's seed."""
import random

offset = None


def setup(args):
    global offset
    offset = float(args["offset"])


def evaluate(params, context):
    noise = random.Random(context["seed"]).gauss(0, 0.01)
    return (params["x"] - offset) ** 2 + sum((v - offset) ** 2 for v in params["y"]) + noise
