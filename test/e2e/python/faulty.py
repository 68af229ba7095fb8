"""A simulation that fails in the ways a real one can, chosen from the individual's seed (so the same
individuals fail at any rank count): about 10% raise, 10% abort the process and 5% hang."""
import os
import random
import time

scale = 1.0


def setup(args):
    global scale
    scale = float(args.get("scale", 1.0))


def kind(seed):
    u = random.Random(seed).random()
    return "raise" if u < 0.10 else "abort" if u < 0.20 else "hang" if u < 0.25 else "ok"


def evaluate(params, context):
    seed = context["seed"]
    k = kind(seed)
    if k == "raise":
        print(f"faulty: diverging for seed {seed}")
        raise FloatingPointError(f"the simulation diverged (seed {seed})")
    if k == "abort":
        print(f"faulty: aborting for seed {seed}", flush=True)
        os.abort()
    if k == "hang":
        time.sleep(3600)
    return scale * (params["x"] ** 2 + float(sum(v * v for v in params["y"])))


if __name__ == "__main__":  # the kinds of the seeds given, one per line (the test compares)
    import sys

    for s in sys.argv[1:]:
        print(kind(int(s)))
