#!/usr/bin/env python3
"""Prints the README's report on ../shared/conformance/real-pipelines, made by
running the binary: how many cases expand, `slipway pipeline check` per case,
and the steps this machine cannot run grouped by reason (Markdown).

usage: real_pipelines_report.py PATH_TO_SLIPWAY [CORPUS_DIR]
"""
import collections, json, os, re, subprocess, sys

def main():
    slipway = os.path.abspath(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    corpus = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "..", "..", "..", "shared", "conformance", "real-pipelines")
    cases = sorted(d for d in os.listdir(corpus) if os.path.exists(os.path.join(corpus, d, "SOURCE")))
    expanded, rows, reasons, tasks = 0, [], collections.Counter(), collections.Counter()
    for case in cases:
        folder = os.path.join(corpus, case)
        main_file = open(os.path.join(folder, "SOURCE")).read().splitlines()[1].strip()
        r = subprocess.run([slipway, "pipeline", "check", "--json", "--file", main_file],
                           cwd=folder, capture_output=True, text=True)
        if r.returncode == 2:
            rows.append((case, "does not expand: " + r.stderr.strip().removeprefix("slipway: error: "), "", ""))
            continue
        expanded += 1
        report = json.loads(r.stdout)
        items = report["steps"]
        cannot = [i for i in items if not i["can_run"]]
        for i in cannot:
            # One group per kind of reason: names folded (tasks listed apart).
            match = re.match(r"no implementation of task '([^']*)'", i["reason"])
            if match:
                tasks[match.group(1)] += 1
            reasons[re.sub(r"'[^']*'", "'…'", i["reason"])] += 1
        rows.append((case, "exit %d" % r.returncode, "%d/%d" % (len(items) - len(cannot), len(items)),
                     str(len(cannot))))
    print("Expanded %d/%d; `pipeline check` per case (exit 0: all can run here):\n" % (expanded, len(cases)))
    print("| case | check | can run | cannot |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| %s | %s | %s | %s |" % row)
    print("\nSteps and job needs this machine cannot run, by reason:\n")
    print("| reason | count |")
    print("| --- | --- |")
    for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        print("| %s | %d |" % (reason, count))
    print("\nThe tasks without an implementation: " +
          ", ".join("%s %d" % kv for kv in sorted(tasks.items(), key=lambda kv: (-kv[1], kv[0]))) + ".")

if __name__ == "__main__":
    main()
