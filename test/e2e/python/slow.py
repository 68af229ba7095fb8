"""Pure Python for params['seconds'] seconds per individual: a long simulation holding the GIL."""
import time


def evaluate(params, context):
    end = time.perf_counter() + params["seconds"]
    n = 0
    while time.perf_counter() < end:
        n += 1
    return float(n % 7)
