// xgrammar (compiled to WebAssembly, @mlc-ai/web-xgrammar) loaded in Node: the package is a UMD bundle
// marked as an ES module, so it installs itself on globalThis.xgrammar and, being Emscripten output,
// wants CommonJS's `require` and `__filename` to find its .wasm. Loaded once, on first use.
import { createRequire } from 'node:module';
import type * as XGrammar from '@mlc-ai/web-xgrammar';

// The module's classes (Grammar, GrammarCompiler, GrammarMatcher, TokenizerInfo, Testings, ...).
export type XGrammarModule = typeof XGrammar;

let loading: Promise<XGrammarModule> | undefined;

// Loads xgrammar once per process.
export function loadXGrammar(): Promise<XGrammarModule> {
  loading ??= (async () => {
    const entry = createRequire(import.meta.url).resolve('@mlc-ai/web-xgrammar');
    const g = globalThis as Record<string, unknown>;
    g.require ??= createRequire(entry);
    g.__filename ??= entry;
    await import('@mlc-ai/web-xgrammar');
    const module = g.xgrammar as XGrammarModule | undefined;
    if (!module?.GrammarCompiler) throw new Error('@mlc-ai/web-xgrammar did not load (globalThis.xgrammar is missing)');
    return module;
  })();
  return loading;
}
