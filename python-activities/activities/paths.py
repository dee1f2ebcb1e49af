"""Path containment and atomic file/dir writes shared by all stages."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any, Iterable

from .errors import DatasetError, InvalidSpec


def require_run_dir(run_dir: str) -> Path:
    """Resolve run_dir; it must be absolute so every worker agrees on it."""
    if not run_dir or not os.path.isabs(run_dir):
        raise InvalidSpec(f"run_dir must be an absolute path, got {run_dir!r}", {"run_dir": run_dir})
    return Path(os.path.realpath(run_dir))


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
