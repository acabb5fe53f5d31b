#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora from slipway's own tests and examples.

usage: seeds.py SOURCE_DIR OUT_DIR   (writes OUT_DIR/<harness>/<n>)

Nothing is copied from third parties: the seeds are the pipeline cases of
tests/pipeline/cases, the string literals of the expression, commit-parser
and workspace tests, this repository's own commit messages, and examples/.
Multi-file inputs are bundles (see tests/fuzz/scratch_folder.h).
"""
import hashlib
import io
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

SOURCE = Path(sys.argv[1])
OUT = Path(sys.argv[2])
# The two blobs the artifact harness puts in its store.
BLOB_DIGESTS = [hashlib.sha256(b"").hexdigest(), hashlib.sha256(b"fuzz\n").hexdigest()]
LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0"}


def write(harness, seeds):
    folder = OUT / harness
    folder.mkdir(parents=True, exist_ok=True)
    unique = sorted(set(s if isinstance(s, bytes) else s.encode("utf-8", "surrogateescape") for s in seeds if s))
    for n, seed in enumerate(unique):
        (folder / f"seed-{n:04d}").write_bytes(seed)
    print(f"seeds: {harness}: {len(unique)}")


def literals(paths):
    """The C++ string literals of the files, escapes decoded."""
    found = []
    for path in paths:
        for match in LITERAL.finditer(path.read_text(errors="surrogateescape")):
            found.append(re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), match.group(1)))
    return found


def bundle(folder, first):
    """The YAML files of a folder as one bundle, `first` leading."""
    parts = [(folder / first).read_text(errors="surrogateescape")]
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".yml", ".yaml") and path.name != "expected.yaml" and path != folder / first:
            parts.append(f"#file: {path.relative_to(folder)}\n" + path.read_text(errors="surrogateescape"))
    return "\n".join(parts)


def pipeline_seeds():
    cases = [bundle(d, "azure-pipelines.yml") for d in sorted((SOURCE / "tests/pipeline/cases").iterdir())
             if (d / "azure-pipelines.yml").is_file()]
    return cases


def expressions_in_yaml():
    found = []
    for path in (SOURCE / "tests/pipeline/cases").rglob("*.yml"):
        text = path.read_text(errors="surrogateescape")
        found += re.findall(r"\$\{\{(.*?)\}\}", text)
        found += re.findall(r"\$\[(.*?)\]", text)
        found += re.findall(r"condition:\s*(.+)", text)
    return found


def commit_messages():
    try:
        log = subprocess.run(["git", "-C", str(SOURCE), "log", "-n", "300", "--format=%B%x00"],
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return [m.strip() for m in log.split("\0")]


def workspace_seeds():
    acme = SOURCE / "examples/acme"
    parts = [(acme / "slipway.yaml").read_text()]
    for sub in ("blocks", "environments"):
        for path in sorted((acme / sub).glob("*.yaml")):
            parts.append(f"#file: {sub}/{path.name}\n" + path.read_text())
    head = "product:\n  name: acme\n  version: '2.3'\n"
    texts = [t for t in literals((SOURCE / "tests/model").glob("*.cpp")) if "\n" in t]
    return ["\n".join(parts)] + texts + [head + t for t in texts]


def artifact_seeds():
    manifests = []
    files = sorted(p for p in (SOURCE / "examples/acme/repos").rglob("*") if p.is_file())
    for n in range(1, 6):
        entries = []
        for i, path in enumerate(files[: n * 3]):
            relative = path.relative_to(SOURCE / "examples/acme/repos")
            executable = "true" if os.access(path, os.X_OK) else "false"
            entries.append(f'{{"path":"{relative}","size":{i},"sha256":"{BLOB_DIGESTS[i % 2]}",'
                           f'"executable":{executable}}}')
        manifests.append('{"files":[' + ",".join(entries) + "]}")
    return manifests


def archive_seeds():
    """examples/acme's repos as tar, tar.gz, tar.xz and zip, and tars holding
    what an unpack must refuse (as tests/core/archive_test.cpp makes them)."""
    repos = SOURCE / "examples/acme/repos"
    seeds = []
    for repo in sorted(p for p in repos.iterdir() if p.is_dir()):
        for mode in ("w", "w:gz", "w:xz"):
            buffer = io.BytesIO()
            with tarfile.open(fileobj=buffer, mode=mode) as tar:
                tar.add(repo, arcname=repo.name)
            seeds.append(buffer.getvalue())
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for path in sorted(repo.rglob("*")):
                if path.is_file():
                    archive.write(path, str(path.relative_to(repos)))
        seeds.append(buffer.getvalue())
    hostile = [("../up", tarfile.REGTYPE, ""), ("/abs", tarfile.REGTYPE, ""), ("dev", tarfile.CHRTYPE, ""),
               ("fifo", tarfile.FIFOTYPE, ""), ("link", tarfile.SYMTYPE, "/etc"), ("suid", tarfile.REGTYPE, "")]
    for name, kind, link in hostile:
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            info = tarfile.TarInfo(name)
            info.type, info.linkname, info.mode = kind, link, 0o4755
            data = b"content" if kind == tarfile.REGTYPE else b""
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            if kind == tarfile.SYMTYPE:
                through = tarfile.TarInfo("link/passwd")
                through.size = 1
                tar.addfile(through, io.BytesIO(b"x"))
        seeds.append(buffer.getvalue())
    return seeds


write("pipeline", pipeline_seeds())
write("expression", literals((SOURCE / "tests/expr").glob("*.cpp")) + expressions_in_yaml())
write("commit_message", literals((SOURCE / "tests/version").glob("*.cpp")) + commit_messages())
write("workspace", workspace_seeds())
write("artifact", artifact_seeds())
write("archive", archive_seeds())
