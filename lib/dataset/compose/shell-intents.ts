// Composed bash, grep and glob requests: commands copied as typed, search options in plain words.
import { call, options, phrase, quote, type Intent } from './draft';
import type { Rng } from '../prng';
import {
  LANGS, between, chance, filePath, folder, identifier, npmScript, pick, placeWords, searchPattern, shuffle, shellCommand, EXTS, GREP_GLOB_EXTS,
} from './values';

const runCommand: Intent = (rng) => {
  const c = shellCommand(rng);
  const query = phrase(rng, [
    (x: string) => `run ${x}`, (x) => `execute ${x}`, (x) => x, (x) => `can you run ${x}`, (x) => `please run ${x}`,
    (x) => `kick off ${x}`, (x) => `go ahead and run ${x}`, (x) => `${x} please`, (x) => `try ${x}`, (x) => `run \`${x}\``,
    (x) => `what does ${x} print?`, (x) => `start ${x}`, (x) => `launch ${x}`, (x) => `i need you to execute ${x}`,
  ], c);
  return { query, reply: `I'll run ${c}.`, calls: [call('bash', { command: c })], difficulty: 'easy' };
};

const runScript: Intent = (rng) => {
  if (chance(0.3, rng)) {
    const query = pick(['run the tests', 'run the test suite', 'test it', 'do the tests pass?', 'run all tests', 'execute the tests',
      'kick off the tests', 'tests, please', 'can you run the unit tests', 'check the tests'], rng);
    return { query, reply: "I'll run the tests.", calls: [call('bash', { command: 'npm test' })], difficulty: 'easy' };
  }
  const s = npmScript(rng);
  const query = phrase(rng, [
    (x: string) => `run the ${x} script`, (x) => `execute the ${x} script`, (x) => `start the ${x} script`, (x) => `kick off the ${x} script`,
    (x) => `npm script ${x}, go`, (x) => `run ${x} from package.json`, (x) => `fire the ${x} npm script`,
  ], s);
  return { query, reply: `I'll run the ${s} script.`, calls: [call('bash', { command: `npm run ${s}` })], difficulty: 'easy' };
};

const runWithOptions: Intent = (rng) => {
  const c = shellCommand(rng);
  const r = rng();
  const minutes = between(1, 15, rng);
  const seconds = pick([15, 20, 30, 45, 90], rng);
  const useSeconds = chance(0.3, rng);
  const timeout = useSeconds ? seconds * 1000 : minutes * 60000;
  const limit = useSeconds ? `${seconds} seconds` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const description = pick(['build the docs', 'check formatting', 'refresh deps', 'smoke test', 'inspect the cluster', 'list branches',
    'clean old images', 'warm the cache', 'verify the bundle', 'static checks', 'reset local db', 'show disk usage'], rng);
  if (r < 0.45) {
    const query = phrase(rng, [
      (x: string, t: string) => `run ${x} with a ${t} timeout`, (x, t) => `${x}, give it ${t} max`, (x, t) => `execute ${x} but stop after ${t}`,
      (x, t) => `run ${x}, timeout ${t}`, (x, t) => `${x} (no more than ${t})`, (x, t) => `start ${x} and kill it if it takes over ${t}`,
    ], c, limit);
    return { query, reply: `I'll run ${c} with a ${limit} timeout.`, calls: [call('bash', { command: c, timeout })], difficulty: 'medium' };
  }
  const d = quote(description, rng);
  if (r < 0.8) {
    const query = phrase(rng, [
      (x: string, y: string) => `run ${x} and describe it as ${y}`, (x, y) => `${x}, description ${y}`, (x, y) => `execute ${x} (description: ${y})`,
      (x, y) => `run ${x}, label it ${y}`, (x, y) => `${x} - describe as ${y}`,
    ], c, d);
    return { query, reply: `I'll run ${c}.`, calls: [call('bash', { command: c, description })], difficulty: 'medium' };
  }
  const query = phrase(rng, [
    (x: string, t: string, y: string) => `run ${x} with a ${t} timeout, description ${y}`, (x, t, y) => `${x}, ${t} max, describe it as ${y}`,
  ], c, limit, d);
  return { query, reply: `I'll run ${c} with a ${limit} timeout.`, calls: [call('bash', { command: c, timeout, description })], difficulty: 'hard' };
};

const grepPlain: Intent = (rng) => {
  const p = searchPattern(rng);
  const where = chance(0.45, rng) ? (chance(0.7, rng) ? folder(rng) : filePath(rng)) : undefined;
  const at = placeWords(where, rng);
  const q = chance(0.4, rng) ? quote(p, rng) : p;
  const query = phrase(rng, [
    (x: string, w: string) => `search for ${x}${w}`, (x, w) => `grep ${x}${w}`, (x, w) => `find ${x}${w}`, (x, w) => `where is ${x} used${w}?`,
    (x, w) => `look for ${x}${w}`, (x, w) => `where do we call ${x}${w}`, (x, w) => `find usages of ${x}${w}`, (x, w) => `any ${x}${w}?`,
    (x, w) => `search${w} for ${x}`, (x, w) => `is ${x} referenced anywhere${w}`,
  ], q, at);
  return { query, reply: `I'll search for ${p}${where ? ` in ${where}` : ''}.`, calls: [call('grep', { pattern: p, path: where })], difficulty: 'easy' };
};

const grepModes: Intent = (rng) => {
  const p = searchPattern(rng);
  const where = chance(0.5, rng) ? folder(rng) : undefined;
  const at = where === undefined ? '' : ` in ${where}`;
  const r = rng();
  if (r < 0.35) {
    const query = phrase(rng, [
      (x: string, w: string) => `which files mention ${x}${w}?`, (x, w) => `list the files${w} that contain ${x}`, (x, w) => `files with ${x}${w}, names only`,
      (x, w) => `just the file names${w} where ${x} shows up`,
    ], p, at);
    return { query, reply: `I'll list the files that contain ${p}.`, calls: [call('grep', { pattern: p, path: where, output_mode: 'files_with_matches' })], difficulty: 'medium' };
  }
  if (r < 0.65) {
    const query = phrase(rng, [
      (x: string, w: string) => `how many times does ${x} appear${w}?`, (x, w) => `count ${x}${w}`, (x, w) => `count the matches of ${x}${w}`,
      (x, w) => `number of ${x} hits${w}`, (x, w) => `how often is ${x} used${w}`,
    ], p, at);
    return { query, reply: `I'll count the matches of ${p}.`, calls: [call('grep', { pattern: p, path: where, output_mode: 'count' })], difficulty: 'medium' };
  }
  const numbers = chance(0.5, rng);
  const query = phrase(rng, [
    (x: string, w: string, n: string) => `show me the lines with ${x}${w}${n}`, (x, w, n) => `print every line containing ${x}${w}${n}`,
    (x, w, n) => `grep ${x}${w} and show the matching lines${n}`, (x, w, n) => `matching lines for ${x}${w}${n}`,
  ], p, at, numbers ? pick([' with line numbers', ', line numbers on', ', numbered'], rng) : '');
  return {
    query, reply: `I'll show the lines that match ${p}.`,
    calls: [call('grep', { pattern: p, path: where, output_mode: 'content', line_numbers: numbers ? true : undefined })], difficulty: 'medium',
  };
};

const grepFilters: Intent = (rng) => {
  const p = searchPattern(rng);
  const r = rng();
  if (r < 0.3) {
    const lang = pick(LANGS, rng);
    const name = pick(lang.names, rng);
    const query = phrase(rng, [
      (x: string, l: string) => `search the ${l} files for ${x}`, (x, l) => `find ${x} in ${l} code`, (x, l) => `grep ${x} in files of type ${l}`,
      (x, l) => `${x} in the ${l} sources?`,
    ], p, chance(0.3, rng) ? lang.type : name);
    return { query, reply: `I'll search the ${name} files for ${p}.`, calls: [call('grep', { pattern: p, type: lang.type })], difficulty: 'medium' };
  }
  if (r < 0.55) {
    const ext = pick(GREP_GLOB_EXTS, rng);
    const query = phrase(rng, [
      (x: string, e: string) => `search the .${e} files for ${x}`, (x, e) => `find ${x} in *.${e} files`, (x, e) => `grep ${x} but only in ${e} files`,
      (x, e) => `${x} in the ${e} files`,
    ], p, ext);
    return { query, reply: `I'll search the .${ext} files for ${p}.`, calls: [call('grep', { pattern: p, glob: `*.${ext}` })], difficulty: 'medium' };
  }
  if (r < 0.75) {
    const where = chance(0.5, rng) ? folder(rng) : undefined;
    const query = phrase(rng, [
      (x: string, w: string) => `search${w} for ${x}, case-insensitive`, (x, w) => `find ${x}${w} ignoring case`, (x, w) => `${x}${w}, any case`,
      (x, w) => `case insensitive grep for ${x}${w}`, (x, w) => `look for ${x}${w} in upper or lower case`,
    ], p, where === undefined ? '' : ` in ${where}`);
    return { query, reply: `I'll search for ${p}, ignoring case.`, calls: [call('grep', { pattern: p, path: where, case_insensitive: true })], difficulty: 'medium' };
  }
  const n = between(1, 25, rng);
  const query = phrase(rng, [
    (x: string, k: number) => `first ${k} files that mention ${x}`, (x, k) => `find ${x}, only ${k} results`, (x, k) => `grep ${x} and stop after ${k} hits`,
    (x, k) => `show me ${k} matches for ${x}`, (x, k) => `${x}, limit to ${k}`,
  ], p, n);
  return { query, reply: `I'll search for ${p} and keep the first ${n} results.`, calls: [call('grep', { pattern: p, head_limit: n })], difficulty: 'medium' };
};

const grepContext: Intent = (rng) => {
  const p = chance(0.5, rng) ? searchPattern(rng) : pick(['Exception', 'WARN', 'panic:', 'FATAL', 'timed out', 'Caused by', 'segfault', 'OOMKilled', 'denied'], rng);
  const f = chance(0.6, rng) ? filePath(rng, pick(['log', 'txt', 'py', 'go', 'ts'], rng)) : folder(rng);
  const n = between(1, 9, rng);
  const r = rng();
  const kind = r < 0.35 ? 'before' : r < 0.7 ? 'after' : r < 0.9 ? 'context' : 'multiline';
  const q = chance(0.5, rng) ? quote(p, rng) : p;
  if (kind === 'multiline') {
    const pat = `${identifier(rng)}\\(.*?\\)`;
    const query = `find ${pat} in ${f}, matching across lines`;
    return { query, reply: `I'll search ${f} across lines.`, calls: [call('grep', { pattern: pat, path: f, multiline: true })], difficulty: 'hard' };
  }
  const query = kind === 'context'
    ? phrase(rng, [(x: string, w: string, k: number) => `${x} in ${w} with ${k} lines of context`, (x, w, k) => `search ${w} for ${x}, ${k} lines around each hit`,
      (x, w, k) => `grep ${x} in ${w}, context ${k}`], q, f, n)
    : phrase(rng, [(x: string, w: string, k: number, b: string) => `${k} lines ${b} each ${x} in ${w}`, (x, w, k, b) => `show ${x} in ${w} plus ${k} lines ${b}`,
      (x, w, k, b) => `grep ${w} for ${x} with ${k} lines ${b} it`, (x, w, k, b) => `every ${x} in ${w} and the ${k} lines ${b}`], q, f, n, kind);
  const extra = kind === 'context' ? { context: n } : kind === 'before' ? { lines_before: n } : { lines_after: n };
  return { query, reply: `I'll search ${f} for ${p} with ${n} lines ${kind === 'context' ? 'of context' : kind}.`,
    calls: [call('grep', { pattern: p, path: f, output_mode: 'content', ...extra })], difficulty: 'hard' };
};

// One grep option: the arguments it sets and how a request words it.
type GrepOption = { params: Record<string, string | number | boolean>; words: string };
export type GrepOptionKind = 'case' | 'lines' | 'count' | 'files' | 'limit' | 'around' | 'filter';

function grepOption(kind: GrepOptionKind, rng: Rng): GrepOption {
  const n = between(1, 8, rng);
  switch (kind) {
    case 'case':
      return { params: { case_insensitive: true }, words: pick([', case-insensitive', ' ignoring case', ', any case', ' (-i)', ', case insensitive', ', ignore case'], rng) };
    case 'lines': {
      const numbered = chance(0.5, rng);
      const words = pick([', show the matching lines', ' and print the lines', ', content mode', ', show me the lines', ', print matches'], rng);
      return { params: numbered ? { output_mode: 'content', line_numbers: true } : { output_mode: 'content' },
        words: numbered ? `${words}${pick([' with line numbers', ', line numbers on', ', numbered', ' (-n)'], rng)}` : words };
    }
    case 'count':
      return { params: { output_mode: 'count' }, words: pick([', count per file', ', just the counts', ', how many per file', ', count mode', ', counts only'], rng) };
    case 'files':
      return { params: { output_mode: 'files_with_matches' }, words: pick([', file names only', ', just list the files', ', only which files'], rng) };
    case 'limit': {
      const k = between(3, 50, rng);
      return { params: { head_limit: k }, words: pick([`, first ${k} results`, `, only ${k} results`, `, limit ${k}`, `, stop after ${k} hits`, `, top ${k}`], rng) };
    }
    case 'around': {
      const r = rng();
      if (r < 0.4) return { params: { output_mode: 'content', context: n }, words: pick([`, ${n} lines of context`, ` with ${n} lines around each hit`, `, context ${n}`, ` (-C ${n})`], rng) };
      if (r < 0.6) return { params: { output_mode: 'content', lines_before: n }, words: pick([`, ${n} lines before`, ` with ${n} lines before each match`, ` (-B ${n})`], rng) };
      if (r < 0.8) return { params: { output_mode: 'content', lines_after: n }, words: pick([`, ${n} lines after`, ` with ${n} lines after each match`, ` (-A ${n})`], rng) };
      const m = between(1, 8, rng);
      return { params: { output_mode: 'content', lines_before: n, lines_after: m },
        words: pick([`, ${n} lines before and ${m} after`, ` with ${n} lines before and ${m} lines after each hit`, ` (-B ${n} -A ${m})`], rng) };
    }
    case 'filter': {
      if (chance(0.5, rng)) {
        const lang = pick(LANGS, rng);
        return { params: { type: lang.type }, words: pick([` in files of type ${lang.type}`, ` in the ${pick(lang.names, rng)} files`, `, type ${lang.type}`], rng) };
      }
      const ext = pick(GREP_GLOB_EXTS, rng);
      return { params: { glob: `*.${ext}` }, words: pick([` in *.${ext} files`, ` only in .${ext} files`, `, glob *.${ext}`], rng) };
    }
  }
}

// Options that cannot go together: one output mode at a time, and context lines only show in content mode.
export const GREP_CLASHES: Record<GrepOptionKind, readonly GrepOptionKind[]> = {
  case: [], lines: ['count', 'files'], count: ['lines', 'files', 'around'], files: ['lines', 'count', 'around'], limit: [],
  around: ['count', 'files'], filter: [],
};

// Which options one combined grep request sets: two in 3 of 5 requests, three in 2 of 5, none that clash.
export function drawGrepOptionKinds(rng: Rng): GrepOptionKind[] {
  const kinds: GrepOptionKind[] = [];
  const wanted = chance(0.6, rng) ? 2 : 3;
  for (const k of shuffle(Object.keys(GREP_CLASHES) as GrepOptionKind[], rng)) {
    if (kinds.length < wanted && !kinds.some((x) => GREP_CLASHES[x].includes(k))) kinds.push(k);
  }
  return kinds;
}

// Two or three grep options at once, named in any order: requests combine them, and a model that saw each
// option alone keeps one and drops the rest.
const grepCombined: Intent = (rng) => {
  const p = searchPattern(rng);
  const where = chance(0.5, rng) ? (chance(0.7, rng) ? folder(rng) : filePath(rng)) : undefined;
  const chosen = drawGrepOptionKinds(rng).map((k) => grepOption(k, rng));
  const params: Record<string, string | number | boolean> = Object.assign({}, ...chosen.map((o) => o.params));
  const q = chance(0.5, rng) ? quote(p, rng) : p;
  const at = where === undefined ? '' : pick([` in ${where}`, ` under ${where}`, ` inside ${where}`], rng);
  const query = phrase(rng, [
    (x: string, w: string, o: string) => `grep ${x}${w}${o}`, (x, w, o) => `search for ${x}${w}${o}`, (x, w, o) => `find ${x}${w}${o}`,
    (x, w, o) => `look for ${x}${w}${o}`, (x, w, o) => `where is ${x} used${w}${o}`, (x, w, o) => `rg ${x}${w}${o}`,
  ], q, at, options(chosen.map((o) => o.words), rng));
  // generateDataset puts the arguments in schema order (orderParams), as for every composed call.
  return { query, reply: `I'll search for ${p}.`, calls: [call('grep', { pattern: p, path: where, ...params })], difficulty: 'hard' };
};

const globFiles: Intent = (rng) => {
  const byLang = chance(0.5, rng);
  const lang = pick(LANGS, rng);
  const ext = byLang ? lang.ext : pick(EXTS, rng);
  const what = byLang ? `${pick(lang.names, rng)} files` : pick([`.${ext} files`, `${ext} files`, `*.${ext} files`], rng);
  const where = chance(0.45, rng) ? folder(rng) : undefined;
  const at = placeWords(where, rng);
  const query = phrase(rng, [
    (w: string, a: string) => `find all ${w}${a}`, (w, a) => `list the ${w}${a}`, (w, a) => `any ${w}${a}?`, (w, a) => `where are the ${w}${a}`,
    (w, a) => `show me every ${w.replace(/ files$/, ' file')}${a}`, (w, a) => `which ${w} are there${a}?`, (w, a) => `gimme the ${w}${a}`,
    (w, a) => `locate ${w}${a}`, (w, a) => `get me a list of ${w}${a}`,
  ], what, at);
  return { query, reply: `I'll find the .${ext} files${where ? ` in ${where}` : ''}.`, calls: [call('glob', { pattern: `**/*.${ext}`, path: where })], difficulty: 'easy' };
};

const globPattern: Intent = (rng) => {
  const r = rng();
  const name = pick(['Dockerfile', 'Makefile', 'package.json', 'go.mod', 'Cargo.toml', 'requirements.txt', 'tsconfig.json', '.env'], rng);
  const ext = pick(EXTS, rng);
  const pattern = r < 0.4 ? `**/${name}` : r < 0.7 ? `**/*.test.${pick(['ts', 'js', 'tsx'], rng)}` : `**/*.{${ext},${pick(EXTS.filter((e) => e !== ext), rng)}}`;
  const where = chance(0.3, rng) ? folder(rng) : undefined;
  const query = r < 0.4
    ? phrase(rng, [(n: string, a: string) => `find every ${n}${a}`, (n, a) => `where are all the ${n} files${a}?`, (n, a) => `list each ${n}${a}`], name, where ? ` in ${where}` : '')
    : phrase(rng, [(g: string, a: string) => `glob ${g}${a}`, (g, a) => `files matching ${g}${a}`, (g, a) => `list ${g}${a}`, (g, a) => `what matches ${g}${a}?`], pattern, where ? ` in ${where}` : '');
  return { query, reply: `I'll find the files matching ${pattern}.`, calls: [call('glob', { pattern, path: where })], difficulty: 'medium' };
};

// The shell and search intents with their weights and categories.
export const SHELL_INTENTS: readonly [Intent, number, string][] = [
  [runCommand, 5, 'bash'], [runScript, 2, 'bash'], [runWithOptions, 3, 'bash'],
  [grepPlain, 3, 'grep'], [grepModes, 2, 'grep'], [grepFilters, 2, 'grep'], [grepContext, 2, 'grep'], [grepCombined, 3, 'grep'],
  [globFiles, 5, 'glob'], [globPattern, 2, 'glob'],
];
