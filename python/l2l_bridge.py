"""How l2l-mpi calls a Python optimizee: shared by the embedded interpreter of a worker rank (the
l2l_python addon calls this module's functions) and by the simulation child process (l2l_child.py).

Two shapes of optimizee (docs/python.md):

1. a function ``evaluate(params, context)`` returning a fitness, a list of fitness values or
   ``{"fitness": [...], "outputs": [...]}``; the module may have ``setup(args)``, called once per
   process, and may declare its parameter space as ``PARAMETERS`` (a list of
   ``{name, lower, upper, length?}``) or ``parameters(args)``;
2. a class in the reference framework's (L2L's) shape, constructed once per process as
   ``Class(traj, **args)``, with ``create_individual()``, ``bounding_func(individual)`` and
   ``simulate(traj)``; ``traj.individual.<name>``, ``traj.individual.generation`` and
   ``traj.individual.ind_idx`` are set before each ``simulate``.

Per individual: an exception (any, SystemExit included) fails that individual with its traceback,
and what it printed through sys.stdout/sys.stderr is kept for the failure's text.

The embedded entry points (``start_check``, ``load``, ``evaluate``, ``interrupt_guard``) receive the
worker's typed arrays as memoryviews that are valid during the call only: nothing here keeps them.
Run as a script (``python3 l2l_bridge.py describe < config.json``) it prints the parameter space a
module declares, for rank 0, which never embeds Python.
"""
import importlib
import importlib.util
import json
import math
import os
import sys
import traceback
from time import perf_counter

# What a failure keeps of an evaluation's output (as the worker does for TypeScript optimizees).
MAX_OUTPUT = 16 * 1024


class EvaluationTimeout(BaseException):
    """Raised inside a simulation that ran past evaluation.timeout_seconds (embedded Python)."""


class ModelError(Exception):
    """A module or class that does not fit the optimizee contract: one line, for the user."""


# ---------------------------------------------------------------------------------------------
# The reference framework's trajectory, as much of it as optimizees use


class ParameterGroup:
    """Attributes set with f_add_parameter(name, value) or directly, like a pypet parameter group."""

    def f_add_parameter(self, name, value=None, comment=None):
        setattr(self, name.split(".")[-1], value)
        return value

    def f_add_parameter_group(self, name, comment=None):
        group = ParameterGroup()
        setattr(self, name, group)
        return group

    def __getitem__(self, name):
        return getattr(self, name)

    def __contains__(self, name):
        return hasattr(self, name)

    def keys(self):
        return [k for k in vars(self) if not k.startswith("_")]


class Trajectory(ParameterGroup):
    """What simulate(traj) gets: traj.individual holds the current individual's parameters, its
    generation and its index (ind_idx). Results added with f_add_result are kept until the next
    individual, and are otherwise ignored: the fitness is what simulate returns."""

    def __init__(self):
        self.individual = ParameterGroup()
        self.results = {}
        self.v_idx = -1

    def f_add_result(self, name, value=None, *args, **kwargs):
        self.results[name] = value
        return value

    def f_add_derived_parameter(self, name, value=None, comment=None):
        return self.f_add_parameter(name, value, comment)


class AttrDict(dict):
    """args of the experiment file: a dict that also reads as attributes (the reference passes
    namedtuples of parameters to its optimizees)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _attrs(v):
    if isinstance(v, dict):
        return AttrDict({k: _attrs(x) for k, x in v.items()})
    if isinstance(v, list):
        return [_attrs(x) for x in v]
    return v


# ---------------------------------------------------------------------------------------------
# Loading


def _one_line(e):
    text = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
    return " ".join(text.split())


def import_module(spec):
    """A path to a .py file (its folder goes on sys.path, so it can import its neighbours) or an
    importable module name. A module is imported once per process."""
    if spec.endswith(".py") or os.sep in spec:
        path = os.path.abspath(spec)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"no such file: {path}")
        name = os.path.splitext(os.path.basename(path))[0]
        mod = sys.modules.get(name)
        if mod is not None and os.path.abspath(getattr(mod, "__file__", "") or "") == path:
            return mod
        folder = os.path.dirname(path)
        if folder not in sys.path:
            sys.path.insert(0, folder)
        s = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(s)
        sys.modules[name] = mod
        try:
            s.loader.exec_module(mod)
        except BaseException:
            del sys.modules[name]
            raise
        return mod
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    return importlib.import_module(spec)


def _import(config):
    label = f"python module '{config['module']}'"
    try:
        return import_module(config["module"]), label
    except BaseException as e:
        raise ModelError(f"cannot import {label}: {_one_line(e)}") from e


def _numpy():
    try:
        import numpy

        return numpy
    except ImportError:
        return None


def floats(v, what):
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
            out.extend(floats(f, what))
        else:
            out.append(float(f))
    return out


class Model:
    """One loaded optimizee: call(row, generation, index, seed) -> (fitness list, outputs or None)."""

    def __init__(self, config):
        self.params = [(p["name"], p.get("length")) for p in config["parameters"]]
        self.np = _numpy()
        self.label = None

    def params_of(self, row, row_array=None):
        """The row (a list of floats, in the order of the parameter space) as {name: float | array}.
        An array parameter is a numpy copy of its slice of row_array (a view of the batch) when given."""
        params = {}
        k = 0
        np = self.np
        for name, length in self.params:
            if length is None:
                params[name] = row[k]
                k += 1
            else:
                if row_array is not None:
                    params[name] = row_array[k : k + length].copy()
                else:
                    params[name] = np.array(row[k : k + length]) if np is not None else list(row[k : k + length])
                k += length
        return params

    def result(self, r, what):
        outputs = None
        try:
            if isinstance(r, dict):
                if "fitness" not in r:
                    raise TypeError('a dict needs a "fitness" key')
                outputs = r.get("outputs")
                r = r["fitness"]
            return floats(r, "the fitness"), (self.outputs_of(outputs) if outputs is not None else None)
        except Exception as e:
            raise ModelError(f"{what} returned what is not a fitness: {_one_line(e)} (expected a number, a list of numbers or {{\"fitness\": [...], \"outputs\": [...]}})") from None


    def outputs_of(self, outputs):
        """Model outputs as float64 bytes: one copy for a numpy array, a conversion for a list."""
        np = self.np
        if np is not None and isinstance(outputs, np.ndarray):
            return np.ascontiguousarray(outputs, dtype="<f8").ravel().tobytes()
        return _float64_bytes(floats(outputs, "outputs"))


class FunctionModel(Model):
    def __init__(self, config):
        super().__init__(config)
        mod, label = _import(config)
        self.label = label
        name = config.get("function") or "evaluate"
        fn = getattr(mod, name, None)
        if not callable(fn):
            raise ModelError(f"{label} has no function '{name}' (the function called per individual)")
        setup = getattr(mod, "setup", None)
        if callable(setup):
            try:
                setup(config.get("args") or {})
            except BaseException as e:
                raise ModelError(f"setup(args) of {label} failed: {_one_line(e)}") from e
        self.fn = fn
        self.what = f"{name}()"

    def call(self, row, generation, index, seed, row_array=None):
        r = self.fn(self.params_of(row, row_array), {"generation": generation, "index": index, "seed": seed})
        return self.result(r, self.what)


class ReferenceModel(Model):
    """A class in L2L's shape, constructed once: its simulator state lives as long as the process."""

    def __init__(self, config):
        super().__init__(config)
        mod, label = _import(config)
        cls_name = config["class"]
        cls = getattr(mod, cls_name, None)
        self.label = f"{label}, class {cls_name}"
        if not isinstance(cls, type):
            raise ModelError(f"{label} has no class '{cls_name}'")
        for method in ("simulate",):
            if not callable(getattr(cls, method, None)):
                raise ModelError(f"class {cls_name} of {label} has no method {method}(traj)")
        self.traj = Trajectory()
        try:
            self.obj = cls(self.traj, **_attrs(config.get("args") or {}))
        except BaseException as e:
            raise ModelError(f"{cls_name}(traj, **args) of {label} failed: {_one_line(e)}") from e
        self.bound = getattr(self.obj, "bounding_func", None)
        self.what = f"{cls_name}.simulate(traj)"
        self.check_individual()

    def check_individual(self):
        """create_individual() must name the parameters of the space, with the same lengths."""
        create = getattr(self.obj, "create_individual", None)
        if not callable(create):
            return
        try:
            ind = create()
        except BaseException as e:
            raise ModelError(f"create_individual() of {self.label} failed: {_one_line(e)}") from e
        shape = individual_shape(ind, self.label)
        declared = {name: length for name, length in self.params}
        if set(shape) != set(declared):
            raise ModelError(f"the parameters {sorted(declared)} do not match the individual of {self.label}, which has {sorted(shape)}")
        for name, length in shape.items():
            if length != declared[name]:
                raise ModelError(f"parameter '{name}': length {declared[name]} in the parameter space, {length} in create_individual() of {self.label}")

    def call(self, row, generation, index, seed, row_array=None):
        params = self.params_of(row, row_array)
        if self.bound is not None:
            params = self.bound(params)
        ind = self.traj.individual
        for k, v in params.items():
            setattr(ind, k, v)
        ind.generation = generation
        ind.ind_idx = index
        self.traj.individual_seed = seed
        self.traj.v_idx = index
        self.traj.results = {}
        return self.result(self.obj.simulate(self.traj), self.what)


def individual_shape(ind, label):
    """{name: None for a number, n for an array of n} of what create_individual() returned."""
    if not isinstance(ind, dict):
        raise ModelError(f"create_individual() of {label} returned {type(ind).__name__}, expected a dict of parameters")
    shape = {}
    for name, v in ind.items():
        if hasattr(v, "tolist"):
            v = v.tolist()
        shape[name] = len(floats(v, f"parameter '{name}'")) if isinstance(v, (list, tuple)) else None
    return shape


def make_model(config):
    return ReferenceModel(config) if config.get("class") else FunctionModel(config)


# ---------------------------------------------------------------------------------------------
# What a module declares of its parameter space (rank 0 asks through `describe`)


def describe(config):
    """The parameter space the module (or the class) declares: [{name, lower, upper, length?}]."""
    mod, label = _import(config)
    where = mod
    if config.get("class"):
        where = getattr(mod, config["class"], None)
        if not isinstance(where, type):
            raise ModelError(f"{label} has no class '{config['class']}'")
    declared = None
    for holder in (where, mod):
        fn = getattr(holder, "parameters", None)
        if callable(fn):
            try:
                declared = fn(config.get("args") or {})
            except BaseException as e:
                raise ModelError(f"parameters(args) of {label} failed: {_one_line(e)}") from e
            break
        if getattr(holder, "PARAMETERS", None) is not None:
            declared = getattr(holder, "PARAMETERS")
            break
    if declared is None:
        raise ModelError(f"{label} declares no parameter space (PARAMETERS = [{{'name': ..., 'lower': ..., 'upper': ...}}] or parameters(args)): declare it there or in the experiment file (optimizee.parameters)")
    try:
        out = []
        for p in declared:
            q = {"name": str(p["name"]), "lower": float(p["lower"]), "upper": float(p["upper"])}
            if p.get("length") is not None:
                q["length"] = int(p["length"])
            out.append(q)
        return out
    except Exception as e:
        raise ModelError(f"the parameter space of {label} is not a list of {{name, lower, upper, length?}}: {_one_line(e)}") from None


# ---------------------------------------------------------------------------------------------
# Output of an evaluation


class Tee:
    """Stands in for sys.stdout or sys.stderr: writes go through, and the last MAX_OUTPUT characters
    written since the last mark() are kept (shared by both streams, in order)."""

    kept = []
    size = 0

    def __init__(self, stream):
        self.stream = stream

    def write(self, s):
        n = self.stream.write(s)
        Tee.kept.append(s)
        Tee.size += len(s)
        if Tee.size > 2 * MAX_OUTPUT:
            text = "".join(Tee.kept)[-MAX_OUTPUT:]
            Tee.kept = [text]
            Tee.size = len(text)
        return n

    def flush(self):
        self.stream.flush()

    def __getattr__(self, name):
        return getattr(self.stream, name)

    @staticmethod
    def mark():
        if Tee.size:
            Tee.kept = []
            Tee.size = 0

    @staticmethod
    def text():
        if not Tee.size:
            return None
        for s in (sys.stdout, sys.stderr):
            try:
                s.flush()
            except Exception:
                pass
        return "".join(Tee.kept)[-MAX_OUTPUT:]


def _tee_streams():
    if not isinstance(sys.stdout, Tee):
        sys.stdout = Tee(sys.stdout)
    if not isinstance(sys.stderr, Tee):
        sys.stderr = Tee(sys.stderr)


def traceback_below(frames=1):
    """The traceback of the exception being handled, without this file's own frames on top."""
    etype, e, tb = sys.exc_info()
    for _ in range(frames):
        if tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
    if isinstance(e, ModelError):
        return str(e)
    return "".join(traceback.format_exception(etype, e, tb))


# ---------------------------------------------------------------------------------------------
# The embedded entry points (native/python calls these)

_models = []
# The row running now, as (call, row), for interrupt_guard; None between rows.
_current = None


# What MPI launchers set and simulators built without MPI look for: NEST exits ("You seem to be using
# NEST via an MPI launcher ... although NEST was not compiled with MPI support") when it finds them.
# A worker's simulator is serial, and MPI has read them at MPI_Init, so the worker hides them.
LAUNCHER_VARIABLES = ("PMIX_RANK", "PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "MPI_LOCALNRANKS")
launcher_env = {}


def _hide_launcher():
    for name in LAUNCHER_VARIABLES:
        if name in os.environ:
            launcher_env[name] = os.environ.pop(name)


def invoke(module, function, args):
    """module.function(*args), for a model in TypeScript that calls a Python simulator (BatchContext.python):
    the module by name (python/ is on sys.path) or path, imported once per process."""
    _hide_launcher()
    return getattr(import_module(module), function)(*args)


def load(config):
    """Builds the optimizee once for this process (MPI is up); returns {handle} or {error, detail}."""
    os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")
    _hide_launcher()
    _tee_streams()
    try:
        model = make_model(config)
    except ModelError as e:
        return {"error": str(e), "detail": traceback_below() if e.__cause__ is not None else ""}
    _models.append(model)
    return {"handle": len(_models) - 1}


# Simulators that adopt an MPI already running, with collectives a worker rank cannot join: imported
# before MPI starts when the optimizee's module imports them (src/cli/python-preimport.ts).
MPI_ADOPTERS = ("neuron",)


def preimport(config):
    """Imports config['preimport'], or the MPI_ADOPTERS the module's source imports. Never raises:
    what fails here fails again, reported, when the worker loads the module."""
    os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")
    names = config.get("preimport")
    if names is None:
        names = _adopters_in(config.get("module", ""))
    imported = []
    for name in names:
        try:
            importlib.import_module(name)
            imported.append(name)
        except BaseException:
            pass
    return {"imported": imported}


def _adopters_in(spec):
    import re

    try:
        if spec.endswith(".py") or os.sep in spec:
            path = os.path.abspath(spec)
        else:
            found = importlib.util.find_spec(spec)
            path = found.origin if found is not None else None
        with open(path, encoding="utf-8", errors="replace") as f:
            source = f.read()
    except BaseException:
        return []
    return [m for m in MPI_ADOPTERS if re.search(rf"^\s*(?:import|from)\s+{m}\b", source, re.M)]


class _Batch:
    def __init__(self, model, call, x, dim, generation, index, seed, fitness, seconds, started, n_obj, progress):
        self.model, self.call, self.dim, self.generation = model, call, dim, generation
        self.index, self.seed, self.fitness, self.seconds, self.started = index, seed, fitness, seconds, started
        self.n_obj, self.progress = n_obj, progress
        self.n = len(index)
        self.xs = x.tolist()
        # array parameters: slices of a numpy view of the batch (copied per individual); dropped with
        # this object at the end of the call, before the addon releases the memory
        has_arrays = any(length is not None for _, length in model.params)
        self.X = model.np.frombuffer(x, dtype="<f8").reshape(self.n, dim) if has_arrays and model.np is not None else None
        self.errors = self.printed = self.outputs = self.timed_out = None
        self.t0 = perf_counter()
        self.i = 0  # the next row to finish
        self.t = self.t0

    def run(self):
        global _current
        model, dim, n_obj, fitness, progress, X = self.model, self.dim, self.n_obj, self.fitness, self.progress, self.X
        mark = Tee.mark
        while self.i < self.n:
            i = self.i
            try:
                self.t = t = perf_counter()
                self.started[i] = t - self.t0
                progress[0] = i
                mark()
                _current = (self.call, i)
                fit, out = model.call(self.xs[i * dim : (i + 1) * dim], self.generation, self.index[i], self.seed[i], X[i] if X is not None else None)
                _current = None
                if len(fit) != n_obj:
                    raise ModelError(f"{model.what} returned {len(fit)} fitness value{'' if len(fit) == 1 else 's'}, expected {n_obj} (one per weight)")
                base = i * n_obj
                for j in range(n_obj):
                    fitness[base + j] = fit[j]
                if out is not None:
                    if self.outputs is None:
                        self.outputs = [None] * self.n
                    self.outputs[i] = out
            except BaseException as e:
                _current = None
                self.fail(i, e)
            self.seconds[i] = perf_counter() - self.t
            self.i = i + 1
        progress[0] = -1

    def fail(self, i, e):
        if self.errors is None:
            self.errors, self.printed = [None] * self.n, [None] * self.n
        for j in range(self.n_obj):
            self.fitness[i * self.n_obj + j] = math.nan
        if isinstance(e, EvaluationTimeout):
            self.timed_out = (self.timed_out or []) + [i]
            self.errors[i] = "timed out"
        else:
            self.errors[i] = traceback_below(2 if not isinstance(e, ModelError) else 1)
        self.printed[i] = Tee.text()

    def stray(self):
        """A timeout that landed outside a row's own handler: it belongs to the row being run."""
        global _current
        _current = None
        if self.i < self.n:
            if self.errors is None or self.errors[self.i] is None:
                self.fail(self.i, EvaluationTimeout())
            self.seconds[self.i] = perf_counter() - self.t
            self.i += 1

    def reply(self):
        if self.errors is None and self.outputs is None:
            return None
        return {"errors": self.errors, "printed": self.printed, "outputs": self.outputs, "timedOut": self.timed_out}


def evaluate(handle, call, x, dim, generation, index, seed, fitness, seconds, started, n_obj, progress):
    """Evaluates the rows of x (n * dim float64, row-major) one after another. Writes in place:
    fitness (n * n_obj), seconds (per row), started (seconds from the start of this call to the start
    of each row) and progress[0] (the row running now, -1 once done). Returns None when every row
    succeeded without outputs, else {errors: [str | None], printed: [str | None],
    outputs: [bytes | None] | None, timedOut: [row] | None}."""
    batch = _Batch(_models[handle], call, x, dim, generation, index, seed, fitness, seconds, started, n_obj, progress)
    while True:
        try:
            batch.run()
            batch.X = None
            return batch.reply()
        except EvaluationTimeout:
            batch.stray()


def _float64_bytes(values):
    import array

    return array.array("d", values).tobytes()


def interrupt_guard(token):
    """True when row `token % 2**20` of call `token >> 20` is the one running (asked under the GIL)."""
    return _current is not None and _current == (token >> 20, token & 0xFFFFF)


# ---------------------------------------------------------------------------------------------


def _main():
    if len(sys.argv) < 2 or sys.argv[1] != "describe":
        print("usage: python3 l2l_bridge.py describe < config.json", file=sys.stderr)
        return 2
    config = json.load(sys.stdin)
    out = sys.stdout
    sys.stdout = sys.stderr  # what the module prints must not corrupt the answer
    try:
        reply = {"parameters": describe(config)}
    except ModelError as e:
        reply = {"error": str(e), "detail": traceback_below() if e.__cause__ is not None else ""}
    out.write(json.dumps(reply))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_main())
