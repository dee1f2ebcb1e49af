// Composed read, write and edit requests: every argument in tidy, casual, terse and indirect phrasings.
import { call, phrase, quote, type Intent } from './draft';
import { between, chance, configName, fileText, filePath, identifierPair, textPair } from './values';

const readPath: Intent = (rng) => {
  const f = filePath(rng);
  const query = phrase(rng, [
    (p: string) => `Read ${p}`, (p) => `show me ${p}`, (p) => `open ${p}`, (p) => `what's in ${p}?`, (p) => `can you pull up ${p}`,
    (p) => `print ${p}`, (p) => `${p} - what does it say`, (p) => `let me look at ${p}`, (p) => `display the contents of ${p}`,
    (p) => `I need to see ${p}`, (p) => `check what ${p} contains`, (p) => `view ${p}`, (p) => `could you read ${p} for me?`,
    (p) => `take a look at ${p}`, (p) => `${p}?`, (p) => `dump ${p}`, (p) => `what does ${p} look like`, (p) => `load up ${p}`,
  ], f);
  return { query, reply: `I'll read ${f}.`, calls: [call('read', { file_path: f })], difficulty: 'easy' };
};

const readConfig: Intent = (rng) => {
  const name = configName(rng);
  const query = phrase(rng, [
    (n: string) => `show me the ${n} config`, (n) => `what's in the ${n} config?`, (n) => `open the ${n} config`,
    (n) => `read the ${n} configuration`, (n) => `i want to check the ${n} config`, (n) => `${n} config pls`,
  ], name);
  return { query, reply: `I'll read the ${name} config.`, calls: [call('read', { file_path: `config/${name}.json` })], difficulty: 'easy' };
};

const readRange: Intent = (rng) => {
  const f = filePath(rng);
  const r = rng();
  const limit = between(5, 80, rng);
  const offset = between(20, 900, rng);
  if (r < 0.4) {
    const query = phrase(rng, [
      (p: string, n: number) => `first ${n} lines of ${p}`, (p, n) => `show the top ${n} lines of ${p}`, (p, n) => `read ${p}, just ${n} lines`,
      (p, n) => `only the first ${n} lines of ${p} please`, (p, n) => `${p} - first ${n} lines`, (p, n) => `give me ${n} lines from the start of ${p}`,
    ], f, limit);
    return { query, reply: `I'll read the first ${limit} lines of ${f}.`, calls: [call('read', { file_path: f, limit })], difficulty: 'medium' };
  }
  if (r < 0.7) {
    const query = phrase(rng, [
      (p: string, o: number) => `read ${p} from line ${o}`, (p, o) => `show ${p} starting at line ${o}`, (p, o) => `jump to line ${o} in ${p}`,
      (p, o) => `${p} from line ${o} on`, (p, o) => `open ${p} at line ${o}`, (p, o) => `what's in ${p} after line ${o}?`,
    ], f, offset);
    return { query, reply: `I'll read ${f} from line ${offset}.`, calls: [call('read', { file_path: f, offset })], difficulty: 'medium' };
  }
  const query = phrase(rng, [
    (p: string, o: number, n: number) => `read ${n} lines of ${p} starting at line ${o}`, (p, o, n) => `${p} from line ${o}, ${n} lines`,
    (p, o, n) => `show me lines ${o} onwards in ${p}, only ${n} of them`, (p, o, n) => `start at line ${o} of ${p} and read ${n} lines`,
  ], f, offset, limit);
  return { query, reply: `I'll read ${limit} lines of ${f} from line ${offset}.`, calls: [call('read', { file_path: f, offset, limit })], difficulty: 'hard' };
};

const writeText: Intent = (rng) => {
  const f = filePath(rng);
  const text = fileText(rng);
  const q = quote(text, rng);
  const query = phrase(rng, [
    (p: string, t: string) => `write ${t} to ${p}`, (p, t) => `put ${t} in ${p}`, (p, t) => `create ${p} containing ${t}`,
    (p, t) => `save ${t} as ${p}`, (p, t) => `${p} should contain ${t}`, (p, t) => `make ${p} with the text ${t}`,
    (p, t) => `new file ${p} with ${t} in it`, (p, t) => `overwrite ${p} with ${t}`, (p, t) => `set the contents of ${p} to ${t}`,
    (p, t) => `write a file ${p} that says ${t}`, (p, t) => `${p}: ${t}`, (p, t) => `can you write ${t} into ${p}`,
  ], f, q);
  return { query, reply: `I'll write ${f}.`, calls: [call('write', { file_path: f, content: text })], difficulty: 'medium' };
};

const writeEmpty: Intent = (rng) => {
  const f = filePath(rng);
  const query = phrase(rng, [
    (p: string) => `create ${p}`, (p) => `make an empty ${p}`, (p) => `new empty file ${p}`, (p) => `add a blank file at ${p}`,
    (p) => `create an empty file called ${p}`, (p) => `i need an empty ${p}`, (p) => `set up an empty ${p} file`, (p) => `create a new file ${p}`,
  ], f);
  return { query, reply: `I'll create an empty ${f}.`, calls: [call('write', { file_path: f, content: '' })], difficulty: 'easy' };
};

const editOnce: Intent = (rng) => {
  const f = filePath(rng);
  const [a, b] = chance(0.5, rng) ? identifierPair(rng) : textPair(rng);
  const qa = quote(a, rng);
  const qb = quote(b, rng);
  const query = phrase(rng, [
    (p: string, x: string, y: string) => `in ${p} replace ${x} with ${y}`, (p, x, y) => `change ${x} to ${y} in ${p}`,
    (p, x, y) => `${p}: ${x} -> ${y}`, (p, x, y) => `swap ${x} for ${y} in ${p}`, (p, x, y) => `${p}: ${x} should be ${y}`,
    (p, x, y) => `in ${p}, ${x} needs to become ${y}`, (p, x, y) => `update ${p} so ${x} reads ${y}`, (p, x, y) => `edit ${p}: turn ${x} into ${y}`,
    (p, x, y) => `replace ${x} by ${y} in ${p}`, (p, x, y) => `${x} => ${y} in ${p} pls`,
  ], f, qa, qb);
  return { query, reply: `I'll replace ${a} with ${b} in ${f}.`, calls: [call('edit', { file_path: f, old_string: a, new_string: b })], difficulty: 'medium' };
};

const editAll: Intent = (rng) => {
  const f = filePath(rng);
  const [a, b] = chance(0.7, rng) ? identifierPair(rng) : textPair(rng);
  const all = chance(0.8, rng);
  const qa = chance(0.5, rng) ? a : quote(a, rng);
  const qb = chance(0.5, rng) ? b : quote(b, rng);
  const query = all ? phrase(rng, [
    (p: string, x: string, y: string) => `rename ${x} to ${y} everywhere in ${p}`, (p, x, y) => `replace every ${x} with ${y} in ${p}`,
    (p, x, y) => `change all ${x} to ${y} in ${p}`, (p, x, y) => `${p}: ${x} -> ${y}, all occurrences`, (p, x, y) => `in ${p} swap each ${x} for ${y}`,
    (p, x, y) => `${x} to ${y} throughout ${p}`, (p, x, y) => `every ${x} in ${p} should be ${y}`,
  ], f, qa, qb) : phrase(rng, [
    (p: string, x: string, y: string) => `only the first ${x} in ${p} becomes ${y}`, (p, x, y) => `replace just one ${x} with ${y} in ${p}, not all of them`,
    (p, x, y) => `in ${p} change the first ${x} to ${y} and leave the others`,
  ], f, qa, qb);
  return {
    query, reply: all ? `I'll replace every ${a} with ${b} in ${f}.` : `I'll change only the first ${a} in ${f}.`,
    calls: [call('edit', { file_path: f, old_string: a, new_string: b, replace_all: all })], difficulty: 'hard',
  };
};

// The file intents with their weights (how often each is drawn).
export const FILE_INTENTS: readonly [Intent, number, string][] = [
  [readPath, 4, 'read'], [readConfig, 1, 'read'], [readRange, 3, 'read'],
  [writeText, 3, 'write'], [writeEmpty, 2, 'write'],
  [editOnce, 4, 'edit'], [editAll, 2, 'edit'],
];
