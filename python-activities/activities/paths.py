"""Path containment and atomic file/dir writes shared by all stages."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any, Iterable

from .errors import DatasetError, InvalidSpec


PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_ROOT_ENV = "TOOLTUNE_ARTIFACTS_ROOT"
INPUT_ROOTS_ENV = "TOOLTUNE_INPUT_ROOTS"


def _project_path(value: str) -> Path:
    """A configured folder: relative values are taken against the project, as the TypeScript worker does."""
    return Path(os.path.realpath(os.path.join(PROJECT_ROOT, value)))


def artifacts_root() -> Path:
    """The workers' artifacts root: $TOOLTUNE_ARTIFACTS_ROOT, else <project>/artifacts. Worker
    configuration, never the spec's (lib/worker-roots.ts reads the same variable)."""
    return _project_path(os.environ.get(ARTIFACTS_ROOT_ENV, "").strip() or "artifacts")


def input_roots() -> list[Path]:
    """Folders input files may come from: $TOOLTUNE_INPUT_ROOTS (os.pathsep list), else the project."""
    raw = os.environ.get(INPUT_ROOTS_ENV, "").strip()
    parts = [p.strip() for p in raw.split(os.pathsep) if p.strip()] if raw else [str(PROJECT_ROOT)]
    return [_project_path(p) for p in parts]


def _within(root: Path, p: Path) -> bool:
    return p == root or root in p.parents


def require_run_dir(run_dir: str) -> Path:
    """Resolve run_dir; it must be absolute (so every worker agrees on it) and inside the workers'
    artifacts root, so a workflow input cannot point the worker at any folder on the machine."""
    if not run_dir or not os.path.isabs(run_dir):
        raise InvalidSpec(f"run_dir must be an absolute path, got {run_dir!r}", {"run_dir": run_dir})
    p = Path(os.path.realpath(run_dir))
    root = artifacts_root()
    if p == root or root not in p.parents:
        raise InvalidSpec(f"run_dir {run_dir!r} is not inside the workers' artifacts root ({ARTIFACTS_ROOT_ENV})",
                          {"run_dir": run_dir})
    return p


def allowed_input(path: str, what: str) -> Path:
    """Resolve an input file the spec named (e.g. gguf_file): it must lie inside the workers' input
    roots or artifacts root, links followed."""
    if not path or "\0" in path or not os.path.isabs(path):
        raise InvalidSpec(f"{what} must be an absolute path, got {path!r}", {what: path})
    p = Path(os.path.realpath(path))
    if not any(_within(r, p) for r in [*input_roots(), artifacts_root()]):
        raise InvalidSpec(f"{what} {path!r} is outside the workers' input folders ({INPUT_ROOTS_ENV}) and artifacts root",
                          {what: path})
    return p


def inside(run_dir: str, path: str, what: str) -> Path:
    """Resolve an output path and refuse it (InvalidSpec) unless it lies inside run_dir."""
    root = require_run_dir(run_dir)
    if not path:
        raise InvalidSpec(f"{what} is empty", {what: path})
    p = Path(os.path.realpath(path if os.path.isabs(path) else os.path.join(root, path)))
    if p != root and root not in p.parents:
        raise InvalidSpec(f"{what} {path!r} is not inside run_dir {str(root)!r}", {what: path, "run_dir": str(root)})
    return p


def atomic_write_text(path: Path, text: str) -> None:
    """Write a file via temp + rename so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def atomic_write_json(path: Path, obj: Any) -> None:
    """JSON variant of atomic_write_text."""
    atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True) + "\n")


def atomic_write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """JSONL variant of atomic_write_text."""
    atomic_write_text(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def tmp_dir_for(final: Path) -> Path:
    """A fresh sibling temp dir to build `final` in before publish_dir renames it."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
    tmp.mkdir()
    return tmp


def publish_dir(tmp: Path, final: Path, replace: bool = True) -> Path:
    """Rename a finished temp dir into place; an existing dir is replaced (or kept if not replace)."""
    if final.exists():
        if not replace:
            shutil.rmtree(tmp, ignore_errors=True)
            return final
        old = final.with_name(f".{final.name}.{uuid.uuid4().hex}.old")
        os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        try:
            os.replace(tmp, final)
        except OSError:  # another worker published first
            shutil.rmtree(tmp, ignore_errors=True)
    return final


def read_jsonl(path: str, what: str) -> list[dict[str, Any]]:
    """Read a JSONL file; missing/unparseable files are DatasetError (non-retryable)."""
    if not os.path.isfile(path):
        raise DatasetError(f"{what} not found: {path}", {"path": path})
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise DatasetError(f"{what} line {n} is not JSON: {e}", {"path": path, "line": n}) from e
    return rows
