"""Functions for test/experiment/embedded-python.test.ts, one per behaviour (chosen by `function`)."""
import math
import time

calls = 0
setup_args = None


def setup(args):
    global setup_args
    setup_args = dict(args)


def sphere(params, context):
    global calls
    calls += 1  # module state survives between evaluations: the module is imported once
    return {"fitness": [params["x"] ** 2 + sum(v * v for v in params["v"]), float(calls)],
            "outputs": [context["generation"], context["index"], context["seed"], len(setup_args)]}


def raises(params, context):
    if context["index"] % 2 == 1:
        print(f"about to fail on individual {context['index']}")
        raise ValueError(f"bad individual {context['index']}")
    return 1.0


def not_finite(params, context):
    return math.nan if context["index"] == 0 else [1.0]


def wrong_arity(params, context):
    return [1.0, 2.0, 3.0]


def exits(params, context):
    raise SystemExit(3)


def busy(params, context):
    """Pure Python for params['x'] seconds, holding the GIL but for the interpreter's switches."""
    end = time.perf_counter() + params["x"]
    n = 0
    while time.perf_counter() < end:
        n += 1
    return 0.0


def forever_on_first(params, context):
    """Never returns for individual 0 (only a timeout ends it); the others return at once."""
    while context["index"] == 0:
        pass
    return float(context["index"])


def trivial(params, context):
    return 0.0
