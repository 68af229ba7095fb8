"""The ants' spiking brains in NEST (src/optimizees/ants with brain: snn, snn.backend: nest), stepped in
lockstep with the colonies, which stay in the native world (native/ants, Colonies): per tick the
TypeScript side reads every ant's sensors from the world, tick() sets the sensory neurons' currents and
runs NEST for the tick's steps, and the motors' spike counts go back to the world, which moves the ants.
This is the reference's NetLogo-NEST coupling (NetLogo's go: sense, nest.Simulate(20), do-actuators) with
our world in place of NetLogo.

build(nets, colonies, population, ticks, drive): every ant of every colony gets a copy of its genome's
network, all in one NEST kernel (nets: one SnnNetworkSpec per genome, as src/optimizees/ants/network.ts
writes it; colony i uses nets[i // colonies], its ants consecutive). The heartbeat neuron's synapses are
driven by one spike_generator (spike times k + 1 ms for the steps k that are multiples of
drive["heartbeat_every"], as the native brain emits at those steps: NEST stamps a spike with the end of
its step). Sensory neurons are driven through I_e (not a dc_generator, whose current would reach them one
step late), so NEST sees the inputs at the same step the native brain does.
tick(sensors): sensors (uint32 per ant, bit i: sensory neuron i on) -> motor spike counts (int32 bytes,
ants x motors)."""
import numpy as np

_state = {}


def _arr(v, dtype):
    return np.frombuffer(v, dtype=dtype).copy() if isinstance(v, memoryview) else np.asarray(v, dtype=dtype)


def build(nets, colonies, population, ticks, drive):
    import nest

    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 1.0, "local_num_threads": 1})
    sensors, heartbeat = int(drive["sensors"]), int(drive["heartbeat"])
    first_motor, motors = int(drive["first_motor"]), int(drive["motors"])
    n = int(nets[0]["n"])
    ants = len(nets) * int(colonies) * int(population)
    p = nets[0]["params"]
    neurons = nest.Create("iaf_psc_alpha", ants * n)
    tile = lambda k: np.tile(_arr(p[k], np.float64), ants).tolist()
    neurons.set({
        "tau_m": tile("tau_m"), "C_m": tile("C_m"), "tau_syn_ex": tile("tau_syn_ex"), "tau_syn_in": tile("tau_syn_in"),
        "E_L": tile("E_L"), "V_th": tile("V_th"), "V_reset": tile("V_reset"), "I_e": tile("I_e"), "V_m": tile("E_L"),
        "t_ref": (np.tile(_arr(p["ref_steps"], np.int32), ants) * 1.0).tolist(),
    })
    first = neurons[0].global_id
    steps = int(ticks) * int(drive["steps_per_tick"])
    every = int(drive["heartbeat_every"])
    gen = nest.Create("spike_generator", params={"spike_times": [float(k + 1) for k in range(0, steps, every)]})
    per_genome = int(colonies) * int(population)
    pre_all, post_all, w_all, d_all = [], [], [], []
    hb_post, hb_w, hb_d = [], [], []
    for g, net in enumerate(nets):
        s = net["synapses"]
        pre, post = _arr(s["pre"], np.int32).astype(np.int64), _arr(s["post"], np.int32).astype(np.int64)
        w, d = _arr(s["weight"], np.float64), _arr(s["delay"], np.int32) * 1.0
        hb = pre == heartbeat
        for a in range(g * per_genome, (g + 1) * per_genome):
            base = first + a * n
            pre_all.append(pre[~hb] + base)
            post_all.append(post[~hb] + base)
            w_all.append(w[~hb])
            d_all.append(d[~hb])
            hb_post.append(post[hb] + base)
            hb_w.append(w[hb])
            hb_d.append(d[hb])
    nest.Connect(np.concatenate(pre_all), np.concatenate(post_all), "one_to_one",
                 {"synapse_model": "static_synapse", "weight": np.concatenate(w_all), "delay": np.concatenate(d_all)})
    targets = np.concatenate(hb_post)
    nest.Connect(np.full(targets.size, gen.global_id), targets, "one_to_one",
                 {"synapse_model": "static_synapse", "weight": np.concatenate(hb_w), "delay": np.concatenate(hb_d)})
    motor_ids = (first + np.arange(ants)[:, None] * n + first_motor + np.arange(motors)[None, :]).reshape(-1)
    rec = nest.Create("spike_recorder")
    nest.Connect(nest.NodeCollection(motor_ids.tolist()), rec)
    _state.update(
        nest=nest, first=first, n=n, ants=ants, sensors=sensors, first_motor=first_motor, motors=motors, rec=rec,
        steps_per_tick=float(drive["steps_per_tick"]), current=float(drive["input_current"]),
        sensory=(first + np.arange(ants)[:, None] * n + np.arange(sensors)[None, :]).reshape(-1),
        on=np.zeros(ants * sensors, dtype=bool),
    )
    return nest.__version__


def tick(sensors):
    s = _state
    nest = s["nest"]
    words = _arr(sensors, np.uint32)
    on = ((words[:, None] >> np.arange(s["sensors"], dtype=np.uint32)[None, :]) & 1).astype(bool).reshape(-1)
    changed = np.nonzero(on != s["on"])[0]
    if changed.size:
        nest.NodeCollection(s["sensory"][changed].tolist()).set(I_e=np.where(on[changed], s["current"], 0.0).tolist())
        s["on"] = on
    nest.Simulate(s["steps_per_tick"])
    rec = s["rec"]
    senders = np.asarray(rec.get("events")["senders"], dtype=np.int64) - s["first"]
    rec.set(n_events=0)
    ant, neuron = senders // s["n"], senders % s["n"]
    counts = np.bincount(ant * s["motors"] + (neuron - s["first_motor"]), minlength=s["ants"] * s["motors"])
    return counts.astype(np.int32).tobytes()
