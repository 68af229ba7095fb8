"""The child process of the `process` optimizee (src/optimizees/process): runs a command per individual,
the way users drive NetLogo headless or a legacy binary, and speaks the worker's frames
(python/l2l_child.py's protocol) on stdin and stdout:

    {op: init, argv, input: {format, to, template?}, output: {format, from, file?, column?},
     parameters: [names in the space's order], objectives: n, env, workdir, keep}
        -> {op: ready, pid} | {op: error, error}
    {op: eval, generation, index, seed, x: float64 bytes}
        -> {op: result, fitness: [n floats], err} | {op: result, error: one line, err}

Per evaluation: a fresh folder (under `workdir`, the command's working directory), the parameters
written as `input` says (a JSON or CSV file, JSON or CSV on the command's stdin, or a template with
{name} replaced), the command run with {input}, {output}, {dir}, {seed}, {generation}, {index} and
{<parameter>} replaced in its arguments, then the fitness read as `output` says (JSON or CSV, from its
stdout or a file). A command that exits non-zero, is killed, or prints what cannot be read fails that
evaluation with one line that says which, and its folder is kept for a look (its path in the line);
after a success the folder is removed unless `keep`. The command's stderr goes to this process's stderr,
which the worker keeps with a failure. evaluation.timeout_seconds kills this process's group, the
command with it (the worker starts this process again for the next evaluation).
"""
import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import array

import l2l_child  # beside this file: its frames and its stderr discipline


def _num(text):
    v = float(text)
    if v != v or v in (float("inf"), float("-inf")):
        raise ValueError(f"{text!r} is not a finite number")
    return v


class Command:
    def __init__(self, proto):
        self.proto = proto
        self.cfg = None

    def init(self, msg):
        self.cfg = msg
        try:
            if msg["input"]["format"] == "template":
                with open(msg["input"]["template"], encoding="utf-8") as f:
                    self.template = f.read()
            os.makedirs(msg["workdir"], exist_ok=True)
        except OSError as e:
            return self.proto.send({"op": "error", "error": f"process optimizee: {e.filename}: {e.strerror}"})
        self.proto.send({"op": "ready", "pid": os.getpid()})

    # -- what goes in
    def _input(self, values, msg):
        fmt = self.cfg["input"]["format"]
        names = self.cfg["parameters"]
        if fmt == "json":
            return json.dumps({"parameters": values, "generation": msg["generation"], "index": msg["index"], "seed": msg["seed"]}) + "\n"
        if fmt == "csv":
            return ",".join(names) + "\n" + ",".join(repr(values[n]) for n in names) + "\n"
        text = self.template
        for n in names:
            text = text.replace("{" + n + "}", repr(values[n]))
        return text

    # -- what comes out
    def _fitness(self, text, where):
        n = self.cfg["objectives"]
        out = self.cfg["output"]
        shown = text.strip().replace("\n", "\\n")
        shown = shown if len(shown) <= 120 else shown[:117] + "..."
        try:
            if out["format"] == "json":
                v = json.loads(text)
                if isinstance(v, dict):
                    if "fitness" not in v:
                        raise ValueError('an object without "fitness"')
                    v = v["fitness"]
                v = [v] if isinstance(v, (int, float)) and not isinstance(v, bool) else v
                if not isinstance(v, list) or any(isinstance(x, bool) or not isinstance(x, (int, float)) for x in v):
                    raise ValueError("not a number or a list of numbers")
                f = [_num(x) for x in v]
            else:
                rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
                column = out.get("column")
                if column is not None:
                    header = max((k for k, r in enumerate(rows) if column in [c.strip() for c in r]), default=None)
                    if header is None:
                        raise ValueError(f"no header row names the column {column!r}")
                    if header == len(rows) - 1:
                        raise ValueError(f"no row after the header that names {column!r}")
                    at = [c.strip() for c in rows[header]].index(column)
                    f = [_num(rows[-1][at])]
                else:
                    if not rows:
                        raise ValueError("no rows")
                    f = [_num(c) for c in rows[-1][:n]]
            if len(f) != n:
                raise ValueError(f"{len(f)} value{'s' if len(f) != 1 else ''}, expected {n}")
            return f, None
        except (ValueError, TypeError, csv.Error) as e:
            fmt = out["format"].upper()
            return None, f"malformed output: {where} is not {fmt} with {n} fitness value{'s' if n != 1 else ''} ({e}): got '{shown}'"

    def evaluate(self, msg):
        x = array.array("d")
        x.frombytes(msg["x"])
        values = dict(zip(self.cfg["parameters"], x.tolist()))
        d = tempfile.mkdtemp(prefix=f"g{msg['generation']}-i{msg['index']}-", dir=self.cfg["workdir"])
        reply = self._run(values, msg, d)
        l2l_child.Child._flush()
        reply["err"] = l2l_child._Stderr.count
        self.proto.send(reply)

    def _run(self, values, msg, d):
        inp, out = self.cfg["input"], self.cfg["output"]
        input_file = os.path.join(d, "input." + ("json" if inp["format"] == "json" else "csv" if inp["format"] == "csv" else os.path.basename(inp.get("template", "input")).split(".")[-1]))
        output_file = os.path.join(d, out.get("file") or "output." + out["format"])
        subst = {"input": input_file, "output": output_file, "dir": d, "seed": str(msg["seed"]), "generation": str(msg["generation"]), "index": str(msg["index"])}
        subst.update({k: repr(v) for k, v in values.items()})
        argv = [self._fill(a, subst) for a in self.cfg["argv"]]
        data = self._input(values, msg)
        stdin = None
        if inp["to"] == "file":
            with open(input_file, "w", encoding="utf-8") as f:
                f.write(data)
        else:
            stdin = data
        env = dict(os.environ, **self.cfg["env"])
        try:
            p = subprocess.run(argv, input=stdin, cwd=d, env=env, capture_output=True, text=True)
        except OSError as e:
            return {"op": "result", "error": f"cannot run {argv[0]}: {e.strerror} (folder kept: {d})"}
        if p.stderr:
            sys.stderr.write(p.stderr)
        if p.returncode != 0:
            how = f"killed by {signal.Signals(-p.returncode).name}" if p.returncode < 0 else f"exited with code {p.returncode}"
            last = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "no stderr"
            return {"op": "result", "error": f"{os.path.basename(argv[0])} {how}: {last[:200]} (folder kept: {d})"}
        if out["from"] == "stdout":
            text, where = p.stdout, "its stdout"
        else:
            try:
                with open(output_file, encoding="utf-8") as f:
                    text = f.read()
            except OSError:
                return {"op": "result", "error": f"malformed output: {os.path.basename(argv[0])} wrote no {output_file} (folder kept: {d})"}
            where = os.path.basename(output_file)
        fitness, error = self._fitness(text, where)
        if error:
            return {"op": "result", "error": f"{error} (folder kept: {d})"}
        if not self.cfg["keep"]:
            shutil.rmtree(d, ignore_errors=True)
        return {"op": "result", "fitness": fitness}

    @staticmethod
    def _fill(arg, subst):
        for k, v in subst.items():
            arg = arg.replace("{" + k + "}", v)
        return arg


def main():
    l2l_child.serve(Command, "the command runner")


if __name__ == "__main__":
    main()
