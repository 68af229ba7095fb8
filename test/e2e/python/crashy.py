"""Fails on demand, by the value of the parameter `mode`: 0 ok, 1 segmentation fault, 2 abort,
3 exit code 3, 4 hang, 5 raise, 6 allocate 1 GiB (fails under a memory limit), 7 print to fd 1 from C."""
import ctypes
import os
import sys
import time

pid_at_setup = None


def setup(args):
    global pid_at_setup
    pid_at_setup = os.getpid()


def evaluate(params, context):
    mode = int(params["mode"])
    print(f"crashy: row {context['index']} mode {mode}")
    if mode == 1:
        ctypes.string_at(0)
    elif mode == 2:
        os.abort()
    elif mode == 3:
        sys.stdout.flush()
        os._exit(3)
    elif mode == 4:
        time.sleep(3600)
    elif mode == 5:
        raise ValueError(f"no good at row {context['index']}")
    elif mode == 6:
        blob = bytearray(1024**3)
        return float(len(blob))
    elif mode == 7:
        libc = ctypes.CDLL(None)
        libc.printf(b"crashy: printf from C\n")
    return {"fitness": [params["x"] * 2 + context["index"]], "outputs": [os.getpid(), context["seed"]]}
