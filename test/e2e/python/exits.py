"""Calls the C library's exit(3) on the third individual, as a simulator's fatal error path does."""
import ctypes


def evaluate(params, context):
    if context["index"] == 2:
        ctypes.CDLL(None).exit(3)
    return params["x"] ** 2
