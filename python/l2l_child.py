"""The Python side of an l2l-mpi simulation child process (optimizee type `python`).

A worker rank starts `python3 l2l_child.py` (with evaluation.isolation: process) and speaks frames to it:
a 4-byte little-endian length, then msgpack, over this process's stdin (requests) and stdout (replies):

    {op: init, module, function, args, parameters: [{name, length}]}
        -> {op: ready, pid} | {op: error, error: one line, detail: traceback}
    {op: eval, generation, index, seed, x: bytes of float64}
        -> {op: result, fitness: [float], outputs?: bytes of float64, err: int}
        |  {op: result, error: traceback, err: int}
    {op: end} -> exits

The module is imported once and kept (a stateful simulator stays warm); its optional setup(args) runs
once per process. Per individual, function(params, context) is called: params maps each parameter
name to a float (array parameters: a numpy float64 array, a list when numpy is absent), context has
generation, index and seed; it returns a fitness, a list of fitness values, or
{"fitness": [...], "outputs": [...]}. An exception fails that evaluation with its traceback.

stdout belongs to the protocol: sys.stdout, sys.stderr and file descriptor 1 (what C code prints) all
go to stderr, which the worker captures per evaluation. `err` counts the bytes written through
sys.stdout/sys.stderr so far, so the worker can wait for all of an evaluation's output before it
files a failure. The end of stdin (the worker is gone) ends this process, and on Linux so does the
death of the worker while an evaluation runs (PR_SET_PDEATHSIG).

Needs the msgpack package (Debian python3-msgpack); uses numpy when present.
"""
import array
import importlib
import importlib.util
import io
import os
import signal
import struct
import sys
import traceback

_LIBC = None


def _libc():
    global _LIBC
    if _LIBC is None:
        try:
            import ctypes

            _LIBC = ctypes.CDLL(None)
        except Exception:  # not on every platform
            _LIBC = False
    return _LIBC


def _die_with_parent():
    libc = _libc()
    if libc:
        try:
            libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        except Exception:
            pass


class _Stderr(io.TextIOBase):
    """sys.stdout and sys.stderr: unbuffered writes to file descriptor 2, counted in bytes."""

    count = 0

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        b = s.encode("utf-8", "backslashreplace")
        data = memoryview(b)
        while data:
            n = os.write(2, data)
            data = data[n:]
        _Stderr.count += len(b)
        return len(s)

    def writable(self):
        return True

    def fileno(self):
        return 2

    @property
    def encoding(self):
        return "utf-8"

    def isatty(self):
        return False


class Protocol:
    def __init__(self):
        # The protocol keeps private copies of stdin and stdout; fd 0 becomes /dev/null (input() gets
        # EOF, not our frames) and fd 1 becomes stderr (so printf from C cannot corrupt a frame).
        self.inp = os.fdopen(os.dup(0), "rb", buffering=1 << 16)
        self.out = os.dup(1)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.dup2(2, 1)
        sys.stdout = sys.stderr = _Stderr()

    def read(self):
        head = self.inp.read(4)
        if len(head) < 4:
            return None
        (n,) = struct.unpack("<I", head)
        body = self.inp.read(n)
        if len(body) < n:
            return None
        return msgpack.unpackb(body, raw=False, strict_map_key=False)

    def send(self, obj):
        body = msgpack.packb(obj, use_bin_type=True)
        data = memoryview(struct.pack("<I", len(body)) + body)
        while data:
            n = os.write(self.out, data)
            data = data[n:]


def _one_line(e):
    """ExcType: message, on one line (what a setup error shows)."""
    text = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
    return " ".join(text.split())


def _traceback_below_here():
    """The traceback of the exception being handled, without this file's own frame on top."""
    etype, e, tb = sys.exc_info()
    return "".join(traceback.format_exception(etype, e, tb.tb_next if tb is not None else tb))


def _load(spec):
    if spec.endswith(".py") or os.sep in spec:
        path = os.path.abspath(spec)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"no such file: {path}")
        name = os.path.splitext(os.path.basename(path))[0]
        sys.path.insert(0, os.path.dirname(path))  # the module can import its neighbours
        s = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(s)
        sys.modules[name] = mod
        s.loader.exec_module(mod)
        return mod
    return importlib.import_module(spec)


def _floats(v, what):
    """A flat list of floats from a number, a sequence or an array."""
    if isinstance(v, (str, bytes, dict)):
        raise TypeError(f"{what} must be a number or a list of numbers, got {type(v).__name__}")
    if hasattr(v, "tolist"):  # numpy arrays and scalars
        v = v.tolist()
    if isinstance(v, (int, float)):
        return [float(v)]
    out = []
    for f in v:
        if isinstance(f, (list, tuple)):
            out.extend(_floats(f, what))
        else:
            out.append(float(f))
    return out


class Child:
    def __init__(self, proto):
        self.proto = proto
        self.fn = None
        self.params = []
        self.np = None

    def init(self, msg):
        module = msg["module"]
        label = f"python module '{module}'"
        # sys.path[0] is this script's folder; the run's working directory is what a user expects
        sys.path[0] = os.getcwd()
        try:
            mod = _load(module)
        except BaseException as e:
            return self._error(f"cannot import {label}: {_one_line(e)}")
        name = msg.get("function") or "evaluate"
        fn = getattr(mod, name, None)
        if not callable(fn):
            return self._error(f"{label} has no function '{name}' (the function called per individual)", "")
        setup = getattr(mod, "setup", None)
        if callable(setup):
            try:
                setup(msg.get("args") or {})
            except BaseException as e:
                return self._error(f"setup(args) of {label} failed: {_one_line(e)}")
        try:
            import numpy

            self.np = numpy
        except ImportError:
            self.np = None
        self.fn = fn
        self.name = name
        self.params = [(p["name"], p.get("length")) for p in msg["parameters"]]
        self.proto.send({"op": "ready", "pid": os.getpid()})

    def _error(self, line, detail=None):
        self.proto.send({"op": "error", "error": line, "detail": _traceback_below_here() if detail is None else detail})

    def evaluate(self, msg):
        raw = msg["x"]
        if self.np is not None:
            x = self.np.frombuffer(raw, dtype="<f8")
        else:
            x = array.array("d")
            x.frombytes(raw)
        params = {}
        k = 0
        for name, length in self.params:
            if length is None:
                params[name] = float(x[k])
                k += 1
            else:
                params[name] = x[k : k + length].copy() if self.np is not None else list(x[k : k + length])
                k += length
        context = {"generation": msg["generation"], "index": msg["index"], "seed": msg["seed"]}
        try:
            r = self.fn(params, context)
        except Exception:
            reply = {"op": "result", "error": _traceback_below_here()}
        else:
            try:
                outputs = None
                if isinstance(r, dict):
                    if "fitness" not in r:
                        raise TypeError('a dict needs a "fitness" key')
                    outputs = r.get("outputs")
                    r = r["fitness"]
                reply = {"op": "result", "fitness": _floats(r, "the fitness")}
                if outputs is not None:
                    reply["outputs"] = array.array("d", _floats(outputs, "outputs")).tobytes()
            except Exception as e:
                reply = {"op": "result", "error": f"{self.name}() returned what is not a fitness: {_one_line(e)} (expected a number, a list of numbers or {{\"fitness\": [...], \"outputs\": [...]}})"}
        self._flush()
        reply["err"] = _Stderr.count
        self.proto.send(reply)

    @staticmethod
    def _flush():
        for s in (sys.__stdout__, sys.__stderr__):
            try:
                s.flush()
            except Exception:
                pass
        libc = _libc()
        if libc:
            libc.fflush(None)  # what C code printf'ed, before the reply


def _send_error_without_msgpack(line):
    """The one reply possible without msgpack: {op: error, error: line}, packed by hand."""
    def s(text):
        b = text.encode("utf-8")
        return (bytes([0xA0 | len(b)]) if len(b) < 32 else b"\xdb" + struct.pack(">I", len(b))) + b

    body = b"\x82" + s("op") + s("error") + s("error") + s(line)
    os.write(1, struct.pack("<I", len(body)) + body)


def main():
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the worker rank decides when a run stops
    _die_with_parent()
    proto = Protocol()
    child = Child(proto)
    while True:
        msg = proto.read()
        if msg is None or msg.get("op") == "end":
            return
        op = msg.get("op")
        if op == "eval":
            child.evaluate(msg)
        elif op == "init":
            child.init(msg)
        else:
            proto.send({"op": "error", "error": f"the python child cannot handle '{op}'"})


try:
    import msgpack
except ImportError as _e:
    _send_error_without_msgpack(f"{sys.executable} cannot import msgpack ({_e}): install it (Debian: python3-msgpack; pip install msgpack)")
    sys.exit(0)

if __name__ == "__main__":
    main()
