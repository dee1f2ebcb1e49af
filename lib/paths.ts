// Path containment: every path that comes from a spec must stay inside its allowed root.
import path from 'node:path';

// Raised when a spec-supplied path leaves its root; the workflow treats it as permanent.
export class PathOutsideRootError extends Error {
  constructor(readonly requested: string, readonly root: string) {
    super(`path '${requested}' leaves its allowed folder ${root}`);
    this.name = 'PathOutsideArtifacts';
  }
}

// Resolves `requested` against `root` and refuses anything that ends up outside it.
export function resolveInside(root: string, requested: string): string {
  if (requested.includes('\0')) throw new PathOutsideRootError(requested, root);
  const absRoot = path.resolve(root);
  const resolved = path.resolve(absRoot, requested);
  const rel = path.relative(absRoot, resolved);
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return resolved;
  throw new PathOutsideRootError(requested, absRoot);
}

// True when `candidate` lies inside `root` (or is root itself).
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(candidate));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
