"""The cell optimizee's NEURON back end (src/optimizees/cell, backend: neuron): the cell the TypeScript
side described (src/optimizees/cell/describe.ts), as exactly the arrays the Arbor back end takes
(src/native/arbor.ts CellSpec and CellRunOptions), simulated in NEURON. The model, its parameters, its
features and its fitness stay in TypeScript; this module only runs a batch and returns the voltage
traces, through the worker's embedded interpreter (python/l2l_bridge.py invoke).

run(key, spec, options): spec (the cell, sent once per process under `key`, then None) and options.
Every (instance, protocol) pair is one copy of the cell in a single simulation, all from v_init, run to
the longest protocol's end. Returns {"traces": float64 bytes}: per instance, per protocol, the soma
voltage at t = k * sample_every * dt for k = 0 .. floor(tstop / (sample_every * dt)).

Conventions, as the Arbor back end has them: the units of the experiment file (um, ms, mV, nA, uF/cm2,
ohm cm, S/cm2, degrees C); a section's children attach at its end (x = 1), the root's at either end; a
section of nseg segments has its nodes at the segments' centres (NEURON's discretization), fixed-step
backward Euler (NEURON's default, secondorder 0) at dt; channel states by the mechanisms' own cnexp.
NEURON names a mechanism's parameter <param>_<mechanism> (gnabar_hh, g_pas): the description uses
<mechanism>.<param>, as Arbor does.
"""
import numpy as np

_cells = {}
_pool = {}


def _h():
    from neuron import h
    if not getattr(_h, "loaded", False):
        h.load_file("stdrun.hoc")
        _h.loaded = True
    return h


def _arr(v, dtype=np.float64):
    return np.frombuffer(v, dtype=dtype).copy() if isinstance(v, (memoryview, bytes, bytearray)) else np.asarray(v, dtype=dtype)


def _decode(spec):
    sections = []
    for s in spec["sections"]:
        sections.append({
            "name": s["name"], "region": int(s["region"]), "parent": int(s["parent"]),
            "parent_end": float(s.get("parent_end", 1)), "points": _arr(s["points"]).reshape(-1, 4), "nseg": int(s["nseg"]),
        })
    return {
        "sections": sections, "regions": list(spec["regions"]), "cm": _arr(spec["cm"]), "ra": _arr(spec["ra"]),
        "mechanisms": [{"region": int(m["region"]), "name": m["name"], "params": dict(m["params"])} for m in spec["mechanisms"]],
        "ena": float(spec["ena"]), "ek": float(spec["ek"]), "temperature": float(spec["temperature"]),
        "v_init": float(spec["v_init"]), "dt": float(spec["dt"]),
    }


class _Copy:
    """One copy of the cell: its sections, an IClamp per stimulus slot, its recording."""

    def __init__(self, h, cell, index):
        self.sections = []
        for k, s in enumerate(cell["sections"]):
            sec = h.Section(name=f"c{index}_{s['name']}")
            for x, y, z, d in s["points"]:
                h.pt3dadd(float(x), float(y), float(z), float(d), sec=sec)
            sec.nseg = s["nseg"]
            if s["parent"] >= 0:
                sec.connect(self.sections[s["parent"]](s["parent_end"]), 0)
            self.sections.append(sec)
        by_region = {}
        for sec, s in zip(self.sections, cell["sections"]):
            by_region.setdefault(s["region"], []).append(sec)
        self.by_region = by_region
        for m in cell["mechanisms"]:
            for sec in by_region.get(m["region"], []):
                sec.insert(m["name"])
        self.clamps = []
        self.record = None


def _set(copy, cell, free, values):
    """Every property of the cell: the description's values, then the individual's free ones."""
    h = _h()
    for r, secs in copy.by_region.items():
        for sec in secs:
            sec.Ra = float(cell["ra"][r])
            sec.cm = float(cell["cm"][r])
    for m in cell["mechanisms"]:
        for sec in copy.by_region.get(m["region"], []):
            for p, v in m["params"].items():
                setattr(sec, f"{p}_{m['name']}", float(v))
    for (region, mech, param), v in zip(free, values):
        for sec in copy.by_region.get(region, []):
            if mech is None:
                if param == "ra":
                    sec.Ra = float(v)
                else:
                    sec.cm = float(v)
            else:
                setattr(sec, f"{param}_{mech}", float(v))
    for sec in copy.sections:
        if h.ismembrane("na_ion", sec=sec):
            sec.ena = cell["ena"]
        if h.ismembrane("k_ion", sec=sec):
            sec.ek = cell["ek"]


def run(key, spec, options):
    h = _h()
    if spec is not None:
        _cells[key] = _decode(spec)
        _pool.pop(key, None)
    cell = _cells[key]
    instances = int(options["instances"])
    protocols = options["protocols"]
    P = len(protocols)
    free = [(int(f["region"]), f.get("mechanism"), f["param"]) for f in options["free"]]
    values = _arr(options["values"]).reshape(instances, len(free)) if free else np.zeros((instances, 0))
    every = int(options["sample_every"])
    copies = instances * P
    pool = _pool.get(key)
    if pool is None or len(pool) != copies:
        pool = [_Copy(h, cell, c) for c in range(copies)]
        _pool[key] = pool
    dt = cell["dt"]
    tstop = max(float(p["tstop"]) for p in protocols)
    vectors = []
    for c, copy in enumerate(pool):
        i, p = divmod(c, P)
        _set(copy, cell, free, values[i])
        proto = protocols[p]
        stims = proto["stimuli"]
        while len(copy.clamps) < len(stims):
            copy.clamps.append(None)
        for k, s in enumerate(stims):
            sec = copy.sections[int(s["section"])]
            clamp = h.IClamp(sec(float(s["x"])))
            clamp.delay, clamp.dur, clamp.amp = float(s["delay"]), float(s["duration"]), float(s["amplitude"])
            copy.clamps[k] = clamp
        del copy.clamps[len(stims):]
        rec = proto["record"]
        vec = h.Vector()
        vec.record(copy.sections[int(rec["section"])](float(rec["x"]))._ref_v)
        vectors.append(vec)
    h.celsius = cell["temperature"]
    h.dt = dt
    h.steps_per_ms = 1.0 / dt
    h.secondorder = 0
    # the copies' nodes in contiguous arrays, ordered for the cache: the same numbers, twice as fast
    # for a batch of 64 copies here (bench/cell.ts)
    h.cvode.cache_efficient(1)
    h.finitialize(cell["v_init"])
    h.continuerun(tstop)
    out = []
    for c, vec in enumerate(vectors):
        p = c % P
        n = int(np.floor(float(protocols[p]["tstop"]) / (every * dt) + 1e-9)) + 1
        v = vec.as_numpy()[::every][:n]
        if v.size < n:
            raise RuntimeError(f"NEURON recorded {v.size} samples of protocol {p}, expected {n}")
        out.append(np.ascontiguousarray(v, dtype=np.float64))
    for copy in pool:
        copy.clamps = []
    return {"traces": np.concatenate(out).tobytes()}


def mechanisms():
    """The density mechanisms this NEURON knows, with their parameters (NEURON's RANGE PARAMETERs), for validation."""
    h = _h()
    mt = h.MechanismType(0)
    name = h.ref("")
    out = {}
    for i in range(int(mt.count())):
        mt.select(i)
        mt.selected(name)
        n = name[0]
        ms = h.MechanismStandard(n, 1)
        params = []
        pname = h.ref("")
        for j in range(int(ms.count())):
            ms.name(pname, j)
            full = pname[0]
            params.append(full[: -len(n) - 1] if full.endswith("_" + n) else full)
        out[n] = params
    return out
