"""The Python side of an l2l-mpi simulation child process (optimizee type `python`).

A worker rank starts `python3 l2l_child.py` (with evaluation.isolation: process) and speaks frames to it:
a 4-byte little-endian length, then msgpack, over this process's stdin (requests) and stdout (replies):

    {op: init, module, function | class, args, parameters: [{name, length}]}
        -> {op: ready, pid} | {op: error, error: one line, detail: traceback}
    {op: eval, generation, index, seed, x: bytes of float64}
        -> {op: result, fitness: [float], outputs?: bytes of float64, err: int}
        |  {op: result, error: traceback, err: int}
    {op: end} -> exits

The module is imported once and kept (a stateful simulator stays warm), and called through
l2l_bridge.py, which the worker's embedded interpreter uses too: the same two shapes of optimizee (a
function evaluate(params, context), or a class in the reference framework's shape) behave the same in
both. An exception fails that evaluation with its traceback.

stdout belongs to the protocol: sys.stdout, sys.stderr and file descriptor 1 (what C code prints) all
go to stderr, which the worker captures per evaluation. `err` counts the bytes written through
sys.stdout/sys.stderr so far, so the worker can wait for all of an evaluation's output before it
files a failure. The end of stdin (the worker is gone) ends this process, and on Linux so does the
death of the worker while an evaluation runs (PR_SET_PDEATHSIG).

Needs the msgpack package (Debian python3-msgpack); uses numpy when present.
"""
import array
import io
import os
import signal
import struct
import sys

import l2l_bridge  # beside this file: sys.path[0] is this script's folder

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


class Child:
    def __init__(self, proto):
        self.proto = proto
        self.model = None

    def init(self, msg):
        # the run's working directory is where a user expects relative module names to be found
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        try:
            self.model = l2l_bridge.make_model(msg)
        except l2l_bridge.ModelError as e:
            return self._error(str(e), l2l_bridge.traceback_below() if e.__cause__ is not None else "")
        self.proto.send({"op": "ready", "pid": os.getpid()})

    def _error(self, line, detail):
        self.proto.send({"op": "error", "error": line, "detail": detail})

    def evaluate(self, msg):
        raw = msg["x"]
        x = array.array("d")
        x.frombytes(raw)
        try:
            fit, outputs = self.model.call(x.tolist(), msg["generation"], msg["index"], msg["seed"])
        except BaseException as e:
            reply = {"op": "result", "error": l2l_bridge.traceback_below(2 if not isinstance(e, l2l_bridge.ModelError) else 1)}
        else:
            reply = {"op": "result", "fitness": fit}
            if outputs is not None:
                reply["outputs"] = outputs  # float64 bytes
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


def serve(make, what):
    """A child's life: frames on stdin and stdout, `init` and `eval` handed to make(proto)'s methods of
    those names, until `end` or the end of stdin. Also python/l2l_command.py's."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the worker rank decides when a run stops
    _die_with_parent()
    proto = Protocol()
    child = make(proto)
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
            proto.send({"op": "error", "error": f"{what} cannot handle '{op}'"})


def main():
    serve(Child, "the python child")


try:
    import msgpack
except ImportError as _e:
    _send_error_without_msgpack(f"{sys.executable} cannot import msgpack ({_e}): install it (Debian: python3-msgpack; pip install msgpack)")
    sys.exit(0)

if __name__ == "__main__":
    main()
