// Errors as people need to read them: Temporal wraps the real cause (an ActivityFailure says only
// "Activity task failed"), so walk the cause chain. Pure: the workflow uses it too.

// Each error of a cause chain as "Type: message" (or just the message), outermost first.
export function causeChain(err: unknown, maxDepth = 8): string[] {
  const chain: string[] = [];
  for (let cur: unknown = err, depth = 0; cur instanceof Error && depth < maxDepth; depth++) {
    const type = (cur as { type?: string | null }).type;
    chain.push(type ? `${type}: ${cur.message}` : cur.message);
    cur = (cur as { cause?: unknown }).cause;
  }
  return chain.length > 0 ? chain : [String(err)];
}

// The innermost cause: what actually went wrong.
export function rootMessage(err: unknown): string {
  const chain = causeChain(err);
  return chain[chain.length - 1] ?? String(err);
}

// The outermost error and the innermost cause on one line.
export function describeFailure(err: unknown): string {
  const chain = causeChain(err);
  return chain.length <= 1 ? (chain[0] ?? String(err)) : `${chain[0]}: ${chain[chain.length - 1]}`;
}
