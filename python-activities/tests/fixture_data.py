"""Deterministic MCP tool-calling dataset in the CONTRACTS.md shapes, for tests and the benchmark."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

FILES = ["package.json", "README.md", "src/index.ts", "tsconfig.json", "config.yaml", "src/utils.ts",
         "docs/api.md", "server.py", "Makefile", ".env.example", "src/app.tsx", "tests/test_api.py"]
COMMANDS = ["npm test", "npm run build", "git status", "ls -la", "pytest -q", "npm run lint", "make", "git log -5"]
PATTERNS = ["TODO", "FIXME", "console.log", "import React", "async function", "deprecated"]
GLOBS = ["**/*.ts", "**/*.py", "src/**/*.tsx", "**/*.md", "**/*.json", "tests/**/*.py"]
AGENTS = ["coder", "tester", "reviewer", "researcher"]

VERBS = {
    "read": ["Read the {f} file", "Show me {f}", "Display the contents of {f}", "Open {f}", "What's in {f}"],
    "write": ["Create {f} with a hello function", "Write a new file {f}", "Make a file called {f}"],
    "edit": ["Replace foo with bar in {f}", "In {f} change foo to bar", "Edit {f} to rename foo to bar"],
    "bash": ["Run {c}", "Execute {c}", "Please run the command {c}"],
    "grep": ["Search for {p} in the code", "Find all {p} occurrences", "Grep the repo for {p}"],
    "glob": ["List all files matching {g}", "Find files like {g}", "Which files match {g}"],
    "multi": ["Read {f} and then run {c}", "Show {f} then execute {c}"],
    "swarm_init": ["Initialize a {a} swarm", "Start a swarm with a {a} agent"],
}


def _call(tool: str, params: dict[str, str]) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return f"<tool_use>{tool}({args})</tool_use>"


def _example(kind: str, tpl: str, rng: random.Random) -> tuple[str, list[dict[str, Any]], str]:
    f, c, p, g, a = rng.choice(FILES), rng.choice(COMMANDS), rng.choice(PATTERNS), rng.choice(GLOBS), rng.choice(AGENTS)
    query = tpl.format(f=f, c=c, p=p, g=g, a=a)
    if kind == "read":
        return query, [{"tool": "read", "params": {"file_path": f}}], f"I'll read {f}."
    if kind == "write":
        return query, [{"tool": "write", "params": {"file_path": f, "content": "hello"}}], f"I'll create {f}."
    if kind == "edit":
        return query, [{"tool": "edit", "params": {"file_path": f, "old_string": "foo", "new_string": "bar"}}], f"I'll edit {f}."
    if kind == "bash":
        return query, [{"tool": "bash", "params": {"command": c}}], "I'll run that command."
    if kind == "grep":
        return query, [{"tool": "grep", "params": {"pattern": p}}], f"I'll search for {p}."
    if kind == "glob":
        return query, [{"tool": "glob", "params": {"pattern": g}}], "I'll list the matching files."
    if kind == "multi":
        return query, [{"tool": "read", "params": {"file_path": f}}, {"tool": "bash", "params": {"command": c}}], "I'll do both steps."
    return query, [{"tool": "swarm_init", "params": {"topology": "mesh", "agent": a}}], "I'll start the swarm."


def make_records(n_per_template: int = 4, seed: int = 7) -> list[dict[str, Any]]:
    """Text-format records plus the expected calls (for cases)."""
    rng = random.Random(seed)
    out = []
    for kind, tpls in VERBS.items():
        for ti, tpl in enumerate(tpls):
            for k in range(n_per_template):
                query, expected, lead = _example(kind, tpl, rng)
                prompt = f"User: {query}\nAssistant:"
                completion = f" {lead}\n" + "\n".join(_call(e["tool"], e["params"]) for e in expected)
                out.append({"id": f"{kind}-{ti}-{k}", "base_id": f"{kind}-{ti}", "query": query, "prompt": prompt,
                            "completion": completion, "text": prompt + completion, "tool_name": expected[0]["tool"],
                            "category": kind, "difficulty": "hard" if kind == "multi" else "easy", "expected": expected})
    return out


def to_chat(rec: dict[str, Any]) -> dict[str, Any]:
    """The chat-format twin of a text record."""
    lead = rec["completion"].split("\n")[0].strip()
    calls = [{"type": "function", "function": {"name": e["tool"], "arguments": e["params"]}} for e in rec["expected"]]
    return {"id": rec["id"], "base_id": rec["base_id"], "tool_name": rec["tool_name"], "category": rec["category"],
            "difficulty": rec["difficulty"], "messages": [{"role": "user", "content": rec["query"]},
                                                          {"role": "assistant", "content": lead, "tool_calls": calls}]}


def write_dataset(root: Path, n_per_template: int = 4, seed: int = 7, fmt: str = "text",
                  group_split: bool = False) -> dict[str, str]:
    """Write train/val jsonl and val_cases.jsonl under root: an 80/20 split by record, or with
    group_split by phrasing template (val phrasings never seen in training: the harder test)."""
    root.mkdir(parents=True, exist_ok=True)
    recs = make_records(n_per_template, seed)
    rng = random.Random(seed + 1)
    rng.shuffle(recs)
    if group_split:
        val_groups = {f"{kind}-{len(tpls) - 1}" for kind, tpls in VERBS.items()}  # last template of each tool
        val = [r for r in recs if r["base_id"] in val_groups]
        train = [r for r in recs if r["base_id"] not in val_groups]
    else:
        n_val = max(1, len(recs) // 5)
        val, train = recs[:n_val], recs[n_val:]
    keys = ["id", "base_id", "text", "prompt", "completion", "tool_name", "category", "difficulty"]
    conv = (lambda r: {k: r[k] for k in keys}) if fmt == "text" else to_chat
    paths = {}
    for name, rows in (("train", train), ("val", val)):
        paths[name] = str(root / f"{name}.jsonl")
        Path(paths[name]).write_text("".join(json.dumps(conv(r)) + "\n" for r in rows))
    paths["cases"] = str(root / "val_cases.jsonl")
    Path(paths["cases"]).write_text("".join(json.dumps({k: r[k] for k in ("id", "query", "prompt", "category", "difficulty", "expected")}) + "\n" for r in val))
    return paths


TOOL_RE = re.compile(r"<tool_use>\s*([A-Za-z_][\w-]*)\s*\(")


def tool_accuracy(cases_path: str, predictions_path: str) -> float:
    """Share of cases whose first predicted tool name equals the first expected tool (exact match)."""
    cases = {json.loads(l)["id"]: json.loads(l) for l in open(cases_path) if l.strip()}
    preds = [json.loads(l) for l in open(predictions_path) if l.strip()]
    hits = 0
    for p in preds:
        m = TOOL_RE.search(p["output"])
        hits += bool(m and m.group(1) == cases[p["id"]]["expected"][0]["tool"])
    return hits / max(1, len(cases))
