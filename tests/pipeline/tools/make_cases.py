#!/usr/bin/env python3
"""Writes the input files of tests/pipeline/cases/ from the case lists in this
folder, and with --bless writes expected.yaml / expected-error.txt by running
the slipway binary (then every expected file is read and checked by hand).

usage: make_cases.py [--bless PATH_TO_SLIPWAY] [--only NAME]
"""
import os, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(__file__))
import cases_functions, cases_directives, cases_templates, cases_structure  # noqa: E402,F401

CASES_DIR = os.path.join(os.path.dirname(__file__), "..", "cases")

def write_case(c):
    d = os.path.join(CASES_DIR, c["name"])
    os.makedirs(d, exist_ok=True)
    for path, text in c["files"].items():
        full = os.path.join(d, "azure-pipelines.yml" if path == "p" else path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)
    if c["note"]:
        with open(os.path.join(d, "README"), "w") as f:
            f.write(c["note"] + "\n")
    return d

def bless(c, d, slipway):
    with tempfile.TemporaryDirectory() as tmp:  # outside any git repo: the case folder is the repo root
        work = os.path.join(tmp, "case")
        shutil.copytree(d, work)
        args = [slipway, "pipeline", "expand", "--file", "azure-pipelines.yml"]
        opts = os.path.join(work, "options.txt")
        if os.path.exists(opts):
            for line in open(opts).read().splitlines():
                if line.startswith("source "):
                    args += ["--templates", line[7:]]
                elif line.startswith("param "):
                    args += ["--param", line[6:]]
        r = subprocess.run(args, cwd=work, capture_output=True, text=True)
    for stale in ("expected.yaml", "expected-error.txt"):
        if os.path.exists(os.path.join(d, stale)):
            os.remove(os.path.join(d, stale))
    if c["error"]:
        if r.returncode != 2:
            print(f"!! {c['name']}: expected an error, got exit {r.returncode}\n{r.stdout}")
            return
        msg = r.stderr.removeprefix("slipway: error: ")
        open(os.path.join(d, "expected-error.txt"), "w").write(msg)
    else:
        if r.returncode != 0:
            print(f"!! {c['name']}: expected success, got: {r.stderr}")
            return
        open(os.path.join(d, "expected.yaml"), "w").write(r.stdout)

def main():
    args = sys.argv[1:]
    slipway = args[args.index("--bless") + 1] if "--bless" in args else None
    only = args[args.index("--only") + 1] if "--only" in args else None
    names = set()
    for c in cases_functions.CASES:
        assert c["name"] not in names, c["name"]
        names.add(c["name"])
        if only and c["name"] != only:
            continue
        d = write_case(c)
        if slipway:
            bless(c, d, slipway)
    print(f"{len(cases_functions.CASES)} cases")

main()
