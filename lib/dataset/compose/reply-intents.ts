// Composed requests whose answer is text the assistant writes itself, not a tool call: unit conversions,
// and things to write in the reply (a commit message, a regex, a shell one-liner to show but not run, a
// short message). They sound like actions ("write", "convert", "give me a command"), which is why a small
// model calls a tool for them unless the data says otherwise. Every answer is computed or true as written.
import { phrase, quote, type Intent } from './draft';
import { between, chance, pick } from './values';

const STEMS = ['billing', 'search', 'auth', 'upload', 'checkout', 'profile', 'scheduler', 'metrics', 'gateway', 'inventory', 'mailer', 'cache'];

const conversion: Intent = (rng) => {
  const r = rng();
  if (r < 0.25) {
    const n = between(2, 64, rng);
    const [from, to, factor] = pick([['GiB', 'MiB', 1024], ['MiB', 'KiB', 1024], ['TiB', 'GiB', 1024]] as const, rng);
    const query = phrase(rng, [(x: string, y: string) => `convert ${x} to ${y}`, (x, y) => `how many ${y} is ${x}?`, (x, y) => `${x} in ${y}?`], `${n} ${from}`, to);
    return { query, reply: `${n} ${from} = ${n * factor} ${to}.`, calls: [], difficulty: 'easy' };
  }
  if (r < 0.55) {
    const n = between(2, 48, rng);
    const [unit, to, factor] = pick([['hours', 'seconds', 3600], ['minutes', 'seconds', 60], ['minutes', 'milliseconds', 60000], ['days', 'hours', 24]] as const, rng);
    const query = phrase(rng, [
      (x: number, u: string, t: string) => `how many ${t} are in ${x} ${u}?`, (x, u, t) => `${x} ${u} in ${t}?`, (x, u, t) => `convert ${x} ${u} to ${t}`,
    ], n, unit, to);
    return { query, reply: `${n} ${unit} = ${n * factor} ${to}.`, calls: [], difficulty: 'easy' };
  }
  if (r < 0.8) {
    const c = between(-4, 20, rng) * 5;
    const query = phrase(rng, [(x: number) => `what's ${x}°C in fahrenheit?`, (x) => `convert ${x} celsius to fahrenheit`, (x) => `${x} C to F`], c);
    return { query, reply: `${c} °C = ${(c * 9) / 5 + 32} °F.`, calls: [], difficulty: 'easy' };
  }
  const n = between(16, 4095, rng);
  if (chance(0.5, rng)) {
    const query = phrase(rng, [(x: string) => `what is ${x} in decimal?`, (x) => `convert ${x} to decimal`, (x) => `${x} as a base-10 number?`], `0x${n.toString(16)}`);
    return { query, reply: `0x${n.toString(16)} = ${n}.`, calls: [], difficulty: 'easy' };
  }
  const query = phrase(rng, [(x: number) => `what is ${x} in hex?`, (x) => `convert ${x} to hexadecimal`, (x) => `${x} to hex pls`], n);
  return { query, reply: `${n} = 0x${n.toString(16)}.`, calls: [], difficulty: 'easy' };
};

// [what the pattern matches, a regex for it]
const REGEXES: readonly [string, string][] = [
  ['an email address', '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$'], ['a hex color like #1a2b3c', '^#[0-9a-fA-F]{6}$'], ['an ISO date (YYYY-MM-DD)', '^\\d{4}-\\d{2}-\\d{2}$'],
  ['a semver version like 1.4.2', '^\\d+\\.\\d+\\.\\d+$'], ['a 24-hour time like 23:59', '^([01]\\d|2[0-3]):[0-5]\\d$'], ['a US zip code', '^\\d{5}(-\\d{4})?$'],
  ['a line that is only whitespace', '^\\s*$'], ['a UUID', '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'],
];

// [what to do, a one-liner that does it]
const ONE_LINERS: readonly [string, string][] = [
  ['count the lines in every python file', "find . -name '*.py' | xargs wc -l"], ['list the ten biggest files here', 'du -ah . | sort -rh | head -10'],
  ['replace foo with bar in all txt files', "sed -i 's/foo/bar/g' *.txt"], ['kill whatever listens on port 3000', 'lsof -ti :3000 | xargs kill'],
  ['show the last 5 commits on one line each', 'git log --oneline -5'], ['find files changed in the last day', 'find . -type f -mtime -1'],
  ['delete every node_modules folder below here', "find . -name node_modules -type d -prune -exec rm -rf {} +"],
  ['print the 20 most common words in a file', "tr -s ' ' '\\n' < file.txt | sort | uniq -c | sort -rn | head -20"],
];

// A change in the past tense, the same change as a commit subject, and its conventional-commit type.
const CHANGES: readonly ((area: string) => [string, string, string])[] = [
  (a) => [`fixed the null check in the ${a} parser`, `handle null in the ${a} parser`, 'fix'],
  (a) => [`added retries to the ${a} client`, `retry failed ${a} client calls`, 'feat'],
  (a) => [`renamed the ${a} config loader`, `rename the ${a} config loader`, 'refactor'],
  (a) => [`documented the ${a} env variables`, `document the ${a} env variables`, 'docs'],
  (a) => [`made the ${a} export job run in parallel`, `run the ${a} export job in parallel`, 'perf'],
  (a) => [`added tests for the ${a} rate limiter`, `cover the ${a} rate limiter`, 'test'],
  (a) => [`removed the unused ${a} feature flag`, `drop the unused ${a} feature flag`, 'chore'],
];

const EVENTS: readonly string[] = [
  'the deploy is delayed until tomorrow', 'staging is down for maintenance tonight', 'the API keys rotate on friday',
  'standup moves to 10:30', 'the release branch is frozen', 'we switched the CI runners to the new pool',
];

const replyWriting: Intent = (rng) => {
  const r = rng();
  if (r < 0.3) {
    const [what, regex] = pick(REGEXES, rng);
    const query = phrase(rng, [(w: string) => `give me a regex for ${w}`, (w) => `what regex matches ${w}?`, (w) => `write a regular expression that matches ${w}`,
      (w) => `regex for ${w} pls`], what);
    return { query, reply: `\`${regex}\``, calls: [], difficulty: 'medium' };
  }
  if (r < 0.55) {
    const [what, line] = pick(ONE_LINERS, rng);
    const query = phrase(rng, [
      (w: string) => `what's a one-liner to ${w}? don't run it`, (w) => `show me a command that would ${w}, just the command`,
      (w) => `how would I ${w} in bash? just tell me`, (w) => `write (don't execute) a shell command to ${w}`,
    ], what);
    return { query, reply: `\`${line}\``, calls: [], difficulty: 'hard' };
  }
  if (r < 0.8) {
    const stem = pick(STEMS, rng);
    const [change, subject, kind] = pick(CHANGES, rng)(stem);
    const query = phrase(rng, [(c: string) => `write a commit message for: ${c}`, (c) => `suggest a commit message, I ${c}`,
      (c) => `draft a conventional commit for this change: ${c}`], change);
    return { query, reply: `${kind}(${stem}): ${subject}`, calls: [], difficulty: 'medium' };
  }
  const event = pick(EVENTS, rng);
  const query = phrase(rng, [(e: string) => `draft a short slack message telling the team ${e}`, (e) => `write a one-line heads-up that ${e}`,
    (e) => `how should I announce that ${e}? give me the text`], chance(0.3, rng) ? quote(event, rng) : event);
  return { query, reply: `Heads-up: ${event.charAt(0).toUpperCase()}${event.slice(1)}.`, calls: [], difficulty: 'medium' };
};

// The reply-writing intents with their weights, for the no-tool share.
export const REPLY_INTENTS: readonly [Intent, number, string][] = [[conversion, 2, 'no-tool'], [replyWriting, 3, 'no-tool']];
