#!/usr/bin/env python3
"""The cost benchmark of the generated crates (issue 18): regenerate time, `cargo check`
and `cargo build --release` CPU time of each generated crate alone (its dependencies
prebuilt), and decode throughput of the documentation's examples, each against
progenitor's output for the same API as the reference.

    python3 bench/bench.py [--runs N] [--api NAME]... [--only regen,check,release,decode] [--instructions] [--keep]

Needs `cargo-progenitor` 0.15.1 on PATH (`cargo install cargo-progenitor --version
0.15.1 --locked`); without it, pass `--no-progenitor` for our figures alone.
Progenitor is fed `cargo xtask openapi API --openapi 3.0` (OpenAPI 3.0, the error body
on 4XX/5XX: see the README's `openapi` command).

Everything is built under `target/bench/` (its own workspace and target directory,
pinned by a copy of the repository's Cargo.lock); it is deleted at the end unless
`--keep`. Requires network once, for progenitor-client's dependencies.

Every figure is the CPU time (user + system, the children's own accounting) of the
whole command: A (ours) and B (progenitor) run in turn, A B A B ..., after one warm-up
run each; the ratio A/B is taken pair by pair. Printed as min / median / max: quote the
median. The crate is invalidated by touching its `src/lib.rs`, so only the crate itself
is compiled in each run, from scratch (CARGO_INCREMENTAL=0). Its runtime is a prebuilt
dependency on both sides: our `crm-runtime` (`generated/runtime`, copied beside the
client) as progenitor's `progenitor-client`. Each runtime crate's own build is timed
too, once (`cargo clean -p` it, then build it alone), and added to each client's: one
client from scratch with its runtime, ours against progenitor + progenitor-client. Decoding runs in one release program that alternates the
variants in rounds; throughput is the fixture bytes decoded per second of one round.
Those times vary by tens of percent between rounds on a shared machine; `--instructions`
also counts, with valgrind, the instructions each variant takes over the examples
progenitor's types decode too (20 passes, the program's own start subtracted): the same
on every run, a figure to compare changes by.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "target" / "bench"
WORK = BENCH / "work"
APIS = ["wealthbox", "activecampaign", "nimble"]


def run(cmd, cwd=ROOT, env=None, quiet=True):
    """Runs `cmd`; its CPU seconds (user + system of it and its children) and wall seconds."""
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL if quiet else None,
        stderr=subprocess.PIPE if quiet else None,
    )
    stderr = proc.stderr.read() if quiet else b""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{stderr.decode(errors='replace')[-4000:]}")
    return usage.ru_utime + usage.ru_stime, wall


def spread(values):
    return f"{min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}"


def interleaved(label, a, b, runs, per_a=1.0, per_b=1.0):
    """Runs a() and b() in turn `runs` times after a warm-up each; prints and returns figures."""
    a()
    if b:
        b()
    xs, ys = [], []
    for _ in range(runs):
        xs.append(a() / per_a)
        if b:
            ys.append(b() / per_b)
    row = {"what": label, "ours": xs}
    line = f"{label:<44} ours {spread(xs)}"
    if b:
        ratios = [x / y for x, y in zip(xs, ys)]
        row.update(progenitor=ys, ratio=ratios)
        line += f" | progenitor {spread(ys)} | ratio {spread(ratios)}"
    print(line, flush=True)
    return row


def operations_ours(api):
    """The operations the generated crate has a method for: the spec's `resolved` count
    (its `coverage:` block, the figure `cargo xtask codegen` prints)."""
    spec = (ROOT / "specs" / f"{api}.yaml").read_text()
    found = re.search(r"^coverage:\n(?:  .*\n)*?  resolved: (\d+)$", spec, re.M)
    if not found:
        sys.exit(f"specs/{api}.yaml has no coverage.resolved figure")
    return int(found.group(1))


def operations_in(openapi):
    methods = {"get", "put", "post", "delete", "patch", "head", "options"}
    return sum(1 for item in openapi["paths"].values() for m in item if m in methods)


def export(api):
    """Our OpenAPI export of `api` in the shape generators take."""
    path = BENCH / "openapi" / f"{api}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    run(["cargo", "xtask", "openapi", api, "--openapi", "3.0", "-o", str(path)])
    # Progenitor 0.15 allows one success type and one error type per operation: its copy
    # loses the vendor's own `default` next to a 2xx (6 of Nimble's operations), and the
    # error statuses whose documented body differs from the API's error body (4XX), or
    # from the `default`'s, or from the first error status's.
    doc = json.loads(path.read_text())
    defaults = errors = 0
    for item in doc["paths"].values():
        for op in item.values():
            codes = op["responses"]
            if "default" in codes and any(c.startswith("2") for c in codes):
                del codes["default"]
                defaults += 1
            body = lambda c: json.dumps(codes[c].get("content"), sort_keys=True)
            # Progenitor counts a `default` as an error type too.
            failing = [c for c in codes if c[0] in "45" or c == "default"]
            if len({body(c) for c in failing}) > 1:
                keep = body(next((c for c in ("4XX", "default") if c in codes), failing[0]))
                for c in failing:
                    if body(c) != keep:
                        del codes[c]
                        errors += 1
    if defaults or errors:
        print(f"{api}: progenitor's copy drops {defaults} `default` responses next to a 2xx and {errors} error responses of a second error type")
        path.write_text(json.dumps(doc, indent=1))
    return path


def progenitor(api, spec, out):
    if out.exists():
        shutil.rmtree(out)
    run(["cargo-progenitor", "progenitor", "-i", str(spec), "-o", str(out), "-n", f"prog_{api}", "-v", "0.1.0"])


def fixtures(api):
    """(fixture file, type path) of every example the generated fixture tests decode."""
    text = (ROOT / "tests" / "tests" / f"{api}_fixtures.rs").read_text()
    pattern = re.compile(r"assert_decodes_losslessly::<\s*([^>]+?)\s*,?\s*>\s*\(\s*include_str!\(\s*\"\.\./fixtures/([^\"]+)\"")
    return [(ROOT / "tests" / "fixtures" / f, re.sub(r"\s+", "", ty)) for ty, f in pattern.findall(text)]


def progenitor_types(crate):
    text = (crate / "src" / "lib.rs").read_text()
    return set(re.findall(r"pub (?:struct|enum) (\w+)", text))


def instructions(program, api, variant):
    """Instructions (valgrind's count) of the decode program doing only `variant` for `api`."""
    proc = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", str(program)],
                          env={**os.environ, "DECODE_ONLY": variant, "DECODE_API": api}, capture_output=True, text=True, check=True)
    match = re.search(r"I\s+refs:\s+([\d,]+)", proc.stderr)
    if not match:
        sys.exit(f"no instruction count from valgrind:\n{proc.stderr[-2000:]}")
    return int(match.group(1).replace(",", ""))


def decode_program(apis, with_progenitor, rounds):
    """The decode benchmark: for each API, every fixture decoded by our client's decode
    path, by plain `serde_json::from_slice` into our types, and into progenitor's types
    (only fixtures all three accept are counted)."""
    crate = WORK / "decode"
    (crate / "src").mkdir(parents=True, exist_ok=True)
    # `deserialize`: the fixtures include the documented request bodies.
    deps = "".join(f'{api} = {{ path = "../ours-{api}", features = ["deserialize"] }}\n' for api in apis)
    if with_progenitor:
        deps += "".join(f'prog_{api} = {{ path = "../prog-{api}" }}\n' for api in apis)
    (crate / "Cargo.toml").write_text(
        '[package]\nname = "decode-bench"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
        f'[dependencies]\nserde = "1"\nserde_json = "1"\n{deps}'
    )
    cases = []
    for api in apis:
        names = progenitor_types(WORK / f"prog-{api}") if with_progenitor else set()
        for path, ty in fixtures(api):
            prog_ty = None
            if with_progenitor:
                used = set(re.findall(r"::models::(\w+)", ty))
                if used <= names:
                    prog_ty = re.sub(rf"\b{api}::models::", f"prog_{api}::types::", ty)
            cases.append((api, path, ty, prog_ty))
    bodies = []
    for api, path, ty, prog_ty in cases:
        prog = f"Some(|b: &[u8]| serde_json::from_slice::<{prog_ty}>(b).map(drop).map_err(|e| e.to_string()))" if prog_ty else "None"
        bodies.append(
            f'    Case {{ api: "{api}", name: "{path.name}", bytes: include_bytes!("{path}"),\n'
            f"      ours: |b| {api}::__decode::<{ty}>(200, b).map(drop).map_err(|e| e.to_string()),\n"
            f"      plain: |b| serde_json::from_slice::<{ty}>(b).map(drop).map_err(|e| e.to_string()),\n"
            f"      progenitor: {prog} }},\n"
        )
    (crate / "src" / "main.rs").write_text(
        (Path(__file__).parent / "decode_main.rs").read_text().replace("/*CASES*/", "".join(bodies)).replace("/*ROUNDS*/", str(rounds))
    )
    return crate


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each command (after one warm-up)")
    parser.add_argument("--api", action="append", choices=APIS, help="this API only (repeat for several)")
    parser.add_argument("--only", default="regen,check,release,decode", help="which figures")
    parser.add_argument("--no-progenitor", action="store_true", help="our figures alone")
    parser.add_argument("--instructions", action="store_true",
                        help="also count the decode benchmark's instructions with valgrind (deterministic, unlike its times)")
    parser.add_argument("--keep", action="store_true", help="keep target/bench/ (the next run reuses its builds)")
    args = parser.parse_args()
    apis = args.api or APIS
    only = set(args.only.split(","))
    with_prog = not args.no_progenitor
    if with_prog and not shutil.which("cargo-progenitor"):
        sys.exit("cargo-progenitor is not on PATH: cargo install cargo-progenitor --version 0.15.1 --locked (or --no-progenitor)")

    WORK.mkdir(parents=True, exist_ok=True)
    target = WORK / "target"
    # Not incremental: `cargo check` of a workspace member is incremental by default, and
    # touching lib.rs then re-checks from the cache (what an editor pays, not a build).
    env = {"CARGO_TARGET_DIR": str(target), "CARGO_INCREMENTAL": "0"}
    # Release, like cargo-progenitor (installed with cargo install): a debug xtask would
    # time the compiler's debug profile, not the generator.
    run(["cargo", "build", "-q", "--release", "-p", "xtask"])
    xtask = ROOT / "target" / "release" / "xtask"
    results = []
    # The runtime every client of ours depends on (`path = "../runtime"`), like
    # progenitor-client for progenitor's crates.
    if (WORK / "runtime").exists():
        shutil.rmtree(WORK / "runtime")
    shutil.copytree(ROOT / "generated" / "runtime", WORK / "runtime")
    members = ["runtime"]
    specs = {}
    for api in apis:
        ours = WORK / f"ours-{api}"
        if ours.exists():
            shutil.rmtree(ours)
        shutil.copytree(ROOT / "generated" / api, ours)
        members.append(f"ours-{api}")
        if with_prog:
            specs[api] = export(api)
            progenitor(api, specs[api], WORK / f"prog-{api}")
            members.append(f"prog-{api}")
    if "decode" in only:
        decode_program(apis, with_prog, rounds=max(3 * args.runs, 15))
        members.append("decode")
    (WORK / "Cargo.toml").write_text(
        "[workspace]\nresolver = \"2\"\nmembers = [" + ", ".join(f'"{m}"' for m in members) + "]\n"
    )
    if not (WORK / "Cargo.lock").exists():
        shutil.copy(ROOT / "Cargo.lock", WORK / "Cargo.lock")

    builds = (("check", ["cargo", "check", "-q"]), ("release", ["cargo", "build", "-q", "--release"]))
    labels = {"check": "cargo check", "release": "cargo build --release"}
    runtime_rows, crate_rows, operations = {}, {}, {}
    for kind, cmd in builds:
        if kind not in only:
            continue

        def rebuild(package, cmd=cmd, kind=kind):
            def go():
                run(["cargo", "clean", "-q", "-p", package] + (["--release"] if kind == "release" else []), cwd=WORK, env=env)
                return run(cmd + ["-p", package], cwd=WORK, env=env)[0]
            return go

        if kind == next(k for k, _ in builds if k in only):
            print("\nThe runtime crates, alone (CPU seconds, min / median / max; built once for all the clients of a project)")
        row = interleaved(
            f"runtime crate {labels[kind]}",
            rebuild("crm-runtime"),
            rebuild("progenitor-client") if with_prog else None,
            args.runs,
        )
        runtime_rows[kind] = row
        results.append(row)

    for api in apis:
        n_ours = operations_ours(api)
        n_prog = operations_in(json.loads(specs[api].read_text())) if with_prog else 1
        print(f"\n{api}: {n_ours} operations in ours, {n_prog if with_prog else '-'} in progenitor's (CPU seconds, min / median / max)")
        prog_dir = WORK / f"prog-{api}"

        if "regen" in only:
            scratch = BENCH / "regen" / api
            results.append(interleaved(
                f"{api} regenerate",
                lambda: run([str(xtask), "codegen", api])[0],
                (lambda: (shutil.rmtree(scratch, ignore_errors=True), run(["cargo-progenitor", "progenitor", "-i", str(specs[api]), "-o", str(scratch), "-n", "x", "-v", "0.1.0"])[0])[1]) if with_prog else None,
                args.runs,
            ))
        operations[api] = (n_ours, n_prog)
        for kind, cmd in builds:
            label = labels[kind]
            if kind not in only:
                continue

            def build(crate, package):
                def go():
                    (WORK / crate / "src" / "lib.rs").touch()
                    return run(cmd + ["-p", package], cwd=WORK, env=env)[0]
                return go

            a = build(f"ours-{api}", api)
            b = build(f"prog-{api}", f"prog_{api}") if with_prog else None
            row = interleaved(f"{api} {label} (crate)", a, b, args.runs)
            crate_rows[(api, kind)] = row
            results.append(row)
            per = {"what": f"{api} {label} per operation", "ours": [x / n_ours for x in row["ours"]]}
            line = f"{per['what']:<44} ours {spread(per['ours'])}"
            if b:
                per["progenitor"] = [y / n_prog for y in row["progenitor"]]
                per["ratio"] = [x / y for x, y in zip(per["ours"], per["progenitor"])]
                line += f" | progenitor {spread(per['progenitor'])} | ratio {spread(per['ratio'])}"
            print(line, flush=True)
            results.append(per)

    if runtime_rows:
        print("\nOne client from scratch with its runtime crate (sums of the medians, CPU seconds)")
    median = statistics.median
    for kind, runtime in runtime_rows.items():
        for api in apis:
            client = crate_rows[(api, kind)]
            ours = median(client["ours"]) + median(runtime["ours"])
            line = f"{api} {labels[kind]} incl. runtime: ours {ours:.2f} s"
            if with_prog:
                prog = median(client["progenitor"]) + median(runtime["progenitor"])
                n_ours, n_prog = operations[api]
                line += (f", progenitor + progenitor-client {prog:.2f} s, ratio {ours / prog:.2f}"
                         f" (per operation {(ours / n_ours) / (prog / n_prog):.2f})")
            print(line, flush=True)
        if len(apis) > 1:
            ours = sum(median(crate_rows[(api, kind)]["ours"]) for api in apis) + median(runtime["ours"])
            line = f"all {len(apis)} clients {labels[kind]} incl. one runtime: ours {ours:.2f} s"
            if with_prog:
                prog = sum(median(crate_rows[(api, kind)]["progenitor"]) for api in apis) + median(runtime["progenitor"])
                line += f", progenitor + progenitor-client {prog:.2f} s, ratio {ours / prog:.2f}"
            print(line, flush=True)

    if "decode" in only:
        run(["cargo", "build", "-q", "--release", "-p", "decode-bench"], cwd=WORK, env=env)
        out = subprocess.run([str(target / "release" / "decode-bench")], capture_output=True, text=True, check=True)
        print("\n" + out.stdout, end="")
        sys.stderr.write(out.stderr)
        if args.instructions and not with_prog:
            print("\n--instructions counts the examples progenitor's types decode too: not without progenitor")
        if args.instructions and with_prog:
            print("\nDecoding, instructions (valgrind; the examples progenitor's types decode too, 20 passes)")
            for api in apis:
                count = {v: instructions(target / "release" / "decode-bench", api, v) for v in ("none", "ours", "plain", "progenitor")}
                ours, plain, prog = (count[v] - count["none"] for v in ("ours", "plain", "progenitor"))
                print(f"{api:<16} ours {ours / 1e6:.2f} M, plain from_slice {plain / 1e6:.2f} M, progenitor's types {prog / 1e6:.2f} M;"
                      f" ours / progenitor {ours / prog:.3f}, ours / plain {ours / plain:.3f}", flush=True)
                results.append({"what": f"{api} decode instructions", "ours": ours, "plain": plain, "progenitor": prog})

    (BENCH / "results.json").write_text(json.dumps(results, indent=1))
    if not args.keep:
        shutil.rmtree(WORK)
        shutil.rmtree(BENCH / "regen", ignore_errors=True)


if __name__ == "__main__":
    main()
