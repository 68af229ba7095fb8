"""Fails about a fifth of the individuals, chosen by their seed, with a ValueError raised two calls deep."""
import random


def _check(v, seed):
    if random.Random(seed).random() < 0.2:
        raise ValueError(f"unstable network for seed {seed}")
    return v


def evaluate(params, context):
    print(f"simulating individual {context['index']}")
    return _check(params["x"] ** 2, context["seed"])
