// Composed requests no tool fits, answered in plain text: questions about concepts and commands (a
// question about a command is not a request to run it), small talk, arithmetic, opinions, and text work on a
// quoted string (translate, uppercase, count words) that sounds like an action but touches no file.
import { phrase, quote, type Intent } from './draft';
import { REPLY_INTENTS } from './reply-intents';
import { between, pick } from './values';

// Concepts with a one-sentence answer that is true.
const CONCEPTS: readonly [string, string][] = [
  ['a race condition', 'A race condition is a bug where the result depends on the timing of concurrent operations.'],
  ['a closure', 'A closure is a function that keeps access to the variables of the scope it was created in.'],
  ['idempotency', 'An idempotent operation gives the same result whether it runs once or many times.'],
  ['a deadlock', 'A deadlock is when two or more tasks each wait for a resource another holds, so none can continue.'],
  ['a foreign key', 'A foreign key is a column that references the primary key of another table.'],
  ['big O notation', 'Big O notation describes how the cost of an algorithm grows with the size of its input.'],
  ['a hash map', 'A hash map stores key-value pairs and finds a key by hashing it to a bucket.'],
  ['dependency injection', 'Dependency injection means passing a component its dependencies instead of having it build them.'],
  ['a monorepo', 'A monorepo keeps many projects in one version-controlled repository.'],
  ['CORS', 'CORS is the browser rule that decides which other origins a page may request resources from.'],
  ['a memory leak', 'A memory leak is memory a program keeps holding after it no longer needs it.'],
  ['a rebase', 'A rebase replays your commits on top of another branch, giving a linear history.'],
  ['a pure function', 'A pure function returns the same output for the same input and has no side effects.'],
  ['an index in a database', 'A database index is a data structure that speeds up lookups on a column at the cost of extra writes.'],
  ['semantic versioning', 'Semantic versioning numbers releases MAJOR.MINOR.PATCH: breaking changes, features, fixes.'],
  ['a webhook', 'A webhook is an HTTP callback a service sends to your URL when an event happens.'],
  ['garbage collection', 'Garbage collection frees memory that the program can no longer reach.'],
  ['a load balancer', 'A load balancer spreads incoming requests over several servers.'],
  ['eventual consistency', 'Eventual consistency means replicas may differ for a while but converge when updates stop.'],
  ['a JWT', 'A JWT is a signed token that carries claims as base64-encoded JSON.'],
  ['tail recursion', 'Tail recursion is a recursive call made as the last step, which some languages turn into a loop.'],
  ['a mutex', 'A mutex is a lock that lets only one thread at a time into a critical section.'],
];

const COMMAND_QUESTIONS: readonly [string, string][] = [
  ['undo my last commit but keep the changes', 'Use `git reset --soft HEAD~1`: the commit goes, your changes stay staged.'],
  ['see which ports are in use on linux', 'Run `ss -tulpn` (or `lsof -i -P`) to list listening ports and their processes.'],
  ['delete a remote git branch', 'Use `git push origin --delete <branch>`.'],
  ['make a python virtualenv', 'Run `python -m venv .venv`, then activate it with `source .venv/bin/activate`.'],
  ['find large files on disk', 'Try `du -ah . | sort -rh | head -20` to list the biggest files and folders.'],
  ['squash my last three commits', 'Run `git rebase -i HEAD~3` and mark the last two commits as squash.'],
  ['check which node version I have', 'Run `node --version`.'],
  ['exit vim', 'Press Esc, then type `:q` (or `:wq` to save first) and press Enter.'],
];

const SMALL_TALK: readonly [string, string][] = [
  ['thanks!', "You're welcome!"], ['thank you so much', 'Glad I could help.'], ['hello', 'Hello! What can I do for you?'],
  ['good morning', 'Good morning! What are we working on?'], ['nice work', 'Thanks! Anything else?'], ['ok cool', 'Great. Let me know what is next.'],
  ['that worked, ty', 'Good to hear.'], ['never mind', 'No problem.'], ['bye', 'Bye! Talk soon.'], ['are you there?', "Yes, I'm here."],
  ['perfect, that is all', 'Great. Happy to help.'], ['lol', 'Glad that was fun.'],
];

const OPINIONS: readonly [string, string][] = [
  ['should I use postgres or mysql for a new project', 'Both work well; Postgres is a common default for its features and standards support.'],
  ['is rust worth learning', 'Yes if you want memory safety without a garbage collector; the learning curve is steep but it pays off.'],
  ['monolith or microservices for a small team', 'A small team usually moves faster with a well-structured monolith.'],
  ['what is a good name for a logging library', 'How about "lumberjack" or "trail"?'],
  ['vim or emacs', 'Either is fine; pick the one whose keybindings you enjoy.'],
  ['how should I structure a REST API', 'Use nouns for resources, HTTP verbs for actions, and consistent status codes.'],
];

// Text work that sounds like an action on a quoted string but needs no file, command or agent: the answer is
// the text itself (each answer computed or looked up, so it is right).
const PHRASES: readonly [string, string, string][] = [  // [phrase, language, translation]
  ['thank you', 'french', 'merci'], ['see you tomorrow', 'spanish', 'hasta mañana'], ['good night', 'german', 'gute Nacht'],
  ['where is the station', 'italian', "dov'è la stazione"], ['happy birthday', 'portuguese', 'feliz aniversário'],
  ['excuse me', 'dutch', 'pardon'], ['how much is it', 'spanish', '¿cuánto cuesta?'], ['welcome', 'german', 'willkommen'],
];
const SNIPPETS: readonly string[] = [
  'deploy finished without errors', 'the cache is warm again', 'release notes for the spring update', 'rotate keys every quarter',
  'meeting moved to thursday', 'build passed on every runner', 'do not merge on fridays', 'latency dropped after the fix',
];

const textTask: Intent = (rng) => {
  const r = rng();
  if (r < 0.3) {
    const [text, lang, answer] = pick(PHRASES, rng);
    const q = quote(text, rng);
    const query = phrase(rng, [
      (t: string, l: string) => `translate ${t} to ${l}`, (t, l) => `how do you say ${t} in ${l}?`, (t, l) => `${t} in ${l} pls`,
      (t, l) => `what's ${t} in ${l}`,
    ], q, lang);
    return { query, reply: `In ${lang[0]?.toUpperCase()}${lang.slice(1)}: "${answer}".`, calls: [], difficulty: 'medium' };
  }
  const text = pick(SNIPPETS, rng);
  const q = quote(text, rng);
  if (r < 0.55) {
    const query = phrase(rng, [(t: string) => `uppercase ${t}`, (t) => `make ${t} all caps`, (t) => `give me ${t} in capitals`], q);
    return { query, reply: text.toUpperCase(), calls: [], difficulty: 'easy' };
  }
  if (r < 0.8) {
    const words = text.split(' ').length;
    const query = phrase(rng, [(t: string) => `how many words are in ${t}?`, (t) => `count the words in ${t}`, (t) => `word count of ${t}`], q);
    return { query, reply: `${words} words.`, calls: [], difficulty: 'easy' };
  }
  const query = phrase(rng, [
    (t: string) => `turn ${t} into a title`, (t) => `title case ${t}`, (t) => `capitalize every word of ${t}`,
  ], q);
  return { query, reply: text.replace(/\b\w/g, (c) => c.toUpperCase()), calls: [], difficulty: 'easy' };
};

const concept: Intent = (rng) => {
  const [what, answer] = pick(CONCEPTS, rng);
  const query = phrase(rng, [
    (w: string) => `what is ${w}?`, (w) => `explain ${w}`, (w) => `can you explain ${w} briefly`, (w) => `what's ${w} in simple terms`,
    (w) => `eli5 ${w}`, (w) => `define ${w}`, (w) => `quick question: what does ${w} mean?`,
  ], what);
  return { query, reply: answer, calls: [], difficulty: 'medium' };
};

const commandQuestion: Intent = (rng) => {
  const [what, answer] = pick(COMMAND_QUESTIONS, rng);
  const query = phrase(rng, [(w: string) => `how do I ${w}?`, (w) => `what's the command to ${w}`, (w) => `how can i ${w}`, (w) => `remind me how to ${w}`], what);
  return { query, reply: answer, calls: [], difficulty: 'hard' };
};

const smallTalk: Intent = (rng) => {
  const [query, reply] = pick(SMALL_TALK, rng);
  return { query, reply, calls: [], difficulty: 'easy' };
};

const opinion: Intent = (rng) => {
  const [what, answer] = pick(OPINIONS, rng);
  const query = phrase(rng, [(w: string) => `${w}?`, (w) => `what do you think: ${w}`, (w) => `in your opinion, ${w}`], what);
  return { query, reply: answer, calls: [], difficulty: 'medium' };
};

const arithmetic: Intent = (rng) => {
  const a = between(12, 99, rng);
  const b = between(3, 40, rng);
  const r = rng();
  if (r < 0.5) return { query: phrase(rng, [(x: number, y: number) => `what's ${x} times ${y}?`, (x, y) => `${x} * ${y} = ?`], a, b), reply: `${a * b}.`, calls: [], difficulty: 'easy' };
  return { query: phrase(rng, [(x: number, y: number) => `what is ${x} plus ${y}`, (x, y) => `add ${x} and ${y}`], a, b), reply: `${a + b}.`, calls: [], difficulty: 'easy' };
};

// The no-tool intents with their weights.
export const CHAT_INTENTS: readonly [Intent, number, string][] = [
  [concept, 3, 'no-tool'], [commandQuestion, 2, 'no-tool'], [smallTalk, 2, 'no-tool'], [opinion, 1, 'no-tool'], [arithmetic, 1, 'no-tool'],
  [textTask, 3, 'no-tool'], ...REPLY_INTENTS,
];
