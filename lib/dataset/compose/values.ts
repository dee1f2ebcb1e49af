// Value generators for composed examples: paths, identifiers, commands, patterns, keys and texts built
// from parts, so the arguments a model learns to copy vary far more than any hand-written list could.
import type { Rng } from '../prng';

// One item of a list, uniformly.
export function pick<T>(items: readonly T[], rng: Rng): T {
  return items[Math.floor(rng() * items.length)] as T;
}

// The items in a random order (Fisher-Yates), the input left as it was.
export function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

// True with probability p.
export function chance(p: number, rng: Rng): boolean {
  return rng() < p;
}

// An integer in [lo, hi].
export function between(lo: number, hi: number, rng: Rng): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

const DIRS = ['src', 'lib', 'app', 'pkg', 'internal', 'services', 'api', 'web', 'server', 'client', 'core', 'common',
  'shared', 'handlers', 'models', 'controllers', 'routes', 'views', 'components', 'hooks', 'store', 'workers', 'tasks',
  'tools', 'ops', 'spec', 'backend', 'frontend', 'mobile', 'platform', 'modules', 'plugins', 'middleware', 'adapters',
  'domain', 'features', 'pages', 'styles', 'assets', 'public', 'templates', 'locales', 'schemas', 'fixtures', 'bench',
  'examples', 'packages/api', 'packages/ui', 'apps/admin', 'apps/site', 'services/search', 'src/server', 'src/lib',
  'src/features', 'lib/net', 'backend/app', 'internal/http', 'pkg/queue'];

const STEMS = ['invoice', 'session', 'parser', 'queue', 'account', 'order', 'cart', 'checkout', 'report', 'notify',
  'mailer', 'scheduler', 'metrics', 'logger', 'client', 'handler', 'pipeline', 'loader', 'validator', 'formatter',
  'serializer', 'storage', 'upload', 'webhook', 'gateway', 'proxy', 'token', 'crypto', 'retry', 'limiter', 'health',
  'profile', 'feed', 'comment', 'inventory', 'shipping', 'coupon', 'ledger', 'audit', 'backup', 'plugin', 'layout',
  'sidebar', 'navbar', 'modal', 'chart', 'dropdown', 'tenant', 'quota', 'refund', 'ticket', 'widget', 'sitemap',
  'geo', 'pricing', 'search_index', 'user_prefs', 'rate_card', 'email_templates', 'feature_flags', 'oauth'];

// A language: its file extension, ripgrep's type name, and the names people give it.
export interface Language {
  ext: string;
  type: string;
  names: readonly string[];
}

export const LANGS: readonly Language[] = [
  { ext: 'py', type: 'py', names: ['Python', 'python'] },
  { ext: 'ts', type: 'ts', names: ['TypeScript', 'typescript', 'TS'] },
  { ext: 'js', type: 'js', names: ['JavaScript', 'javascript', 'JS'] },
  { ext: 'go', type: 'go', names: ['Go', 'golang'] },
  { ext: 'rb', type: 'ruby', names: ['Ruby', 'ruby'] },
  { ext: 'java', type: 'java', names: ['Java', 'java'] },
  { ext: 'kt', type: 'kotlin', names: ['Kotlin', 'kotlin'] },
  { ext: 'php', type: 'php', names: ['PHP', 'php'] },
  { ext: 'swift', type: 'swift', names: ['Swift', 'swift'] },
  { ext: 'cs', type: 'csharp', names: ['C#', 'csharp'] },
  { ext: 'cpp', type: 'cpp', names: ['C++', 'cpp'] },
  { ext: 'scala', type: 'scala', names: ['Scala', 'scala'] },
  { ext: 'lua', type: 'lua', names: ['Lua', 'lua'] },
  { ext: 'dart', type: 'dart', names: ['Dart', 'dart'] },
  { ext: 'sql', type: 'sql', names: ['SQL', 'sql'] },
  { ext: 'sh', type: 'sh', names: ['shell', 'bash'] },
  { ext: 'css', type: 'css', names: ['CSS', 'css'] },
  { ext: 'html', type: 'html', names: ['HTML', 'html'] },
];

// Extensions that are not languages: globbed by extension only.
const DATA_EXTS = ['json', 'yaml', 'yml', 'md', 'txt', 'toml', 'xml', 'ini', 'vue', 'jsx', 'tsx', 'scss', 'lock', 'env',
  'cfg', 'conf', 'rst', 'ipynb', 'png', 'svg', 'jsonl', 'parquet', 'mjs', 'hbs', 'ejs', 'pem'];

// Every extension composed paths may end in.
export const EXTS: readonly string[] = [...LANGS.map((l) => l.ext), ...DATA_EXTS];

// The extensions a grep `glob` filter is drawn from: not binary files, and not kt or tsx, which stay unseen as
// search globs so that evaluation requests can use them.
export const GREP_GLOB_EXTS: readonly string[] = EXTS.filter((e) => !['png', 'parquet', 'kt', 'tsx'].includes(e));

const ROOT_FILES = ['Dockerfile', 'Procfile', 'Brewfile', 'Cargo.toml', 'go.mod', 'pyproject.toml', 'setup.cfg', 'tox.ini',
  '.editorconfig', '.prettierrc', '.gitattributes', 'Justfile', 'Taskfile.yml', 'renovate.json', 'vite.config.ts',
  'jest.config.js', 'babel.config.js', 'Pipfile', 'pom.xml', 'build.gradle', 'CODEOWNERS', 'LICENSE', 'SECURITY.md'];

// A folder such as `services/search` or `apps/admin/queue`.
export function folder(rng: Rng): string {
  const d = pick(DIRS, rng);
  return chance(0.35, rng) ? `${d}/${pick(STEMS, rng).replace(/_/g, '-')}` : d;
}

// " in <folder>" (or under / inside), or nothing when the request names no folder.
export function placeWords(where: string | undefined, rng: Rng): string {
  return where === undefined ? '' : pick([` in ${where}`, ` under ${where}`, ` inside ${where}`], rng);
}

// A file path with the given extension (or a random one), e.g. `internal/http/retry.go`.
export function filePath(rng: Rng, ext = pick(EXTS, rng)): string {
  const stem = pick(STEMS, rng);
  const name = ext === 'py' || ext === 'rb' ? stem : stem.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const r = rng();
  if (r < 0.12) return `${name}.${ext}`;
  if (r < 0.2 && ext !== 'lock') return pick(ROOT_FILES, rng);
  return `${folder(rng)}/${name}.${ext}`;
}

// A config file name: `config/<name>.json` is what "the <name> config" means (base-examples.ts).
export function configName(rng: Rng): string {
  return pick(['billing', 'sentry', 'stripe', 'feature', 'search', 'upload', 'webhooks', 'smtp', 'oauth', 'tenant',
    'payouts', 'i18n', 'analytics', 'cdn', 'worker', 'scheduler', 'throttle', 'audit', 'backup', 'ratelimit'], rng);
}

const VERBS = ['get', 'fetch', 'load', 'save', 'parse', 'build', 'render', 'handle', 'create', 'update', 'remove', 'find',
  'compute', 'format', 'validate', 'sync', 'send', 'init', 'apply', 'resolve', 'emit', 'flush', 'merge', 'encode'];
const NOUNS = ['User', 'Order', 'Receipt', 'Session', 'Token', 'Cart', 'Report', 'Config', 'Payload', 'Event', 'Queue',
  'Item', 'Price', 'Profile', 'Account', 'Message', 'Record', 'Batch', 'Chunk', 'Header', 'Route', 'Metric', 'Ticket'];

// A function-like identifier and a renamed one: camelCase, snake_case or PascalCase, e.g. fetchOrder → loadOrder.
export function identifierPair(rng: Rng): [string, string] {
  const v1 = pick(VERBS, rng);
  const n1 = pick(NOUNS, rng);
  let v2 = v1;
  let n2 = n1;
  if (chance(0.5, rng)) while (v2 === v1) v2 = pick(VERBS, rng);
  else while (n2 === n1) n2 = pick(NOUNS, rng);
  const style = rng();
  const form = (v: string, n: string): string => (style < 0.5 ? `${v}${n}` : style < 0.8 ? `${v}_${n.toLowerCase()}` : `${v[0]?.toUpperCase()}${v.slice(1)}${n}`);
  return [form(v1, n1), form(v2, n2)];
}

// One identifier (the first of a pair).
export function identifier(rng: Rng): string {
  return identifierPair(rng)[0];
}

// A multi-word old text and its replacement: settings lines, versions, literals, phrases.
export function textPair(rng: Rng): [string, string] {
  const r = rng();
  if (r < 0.3) {
    const key = pick(['timeout', 'max_conn', 'pool_size', 'workers', 'retries_max', 'batch_size', 'ttl_secs', 'log_level', 'cache_mb'], rng);
    const sep = pick([' = ', ': ', '='], rng);
    if (key === 'log_level') return [`${key}${sep}info`, `${key}${sep}${pick(['debug', 'warn', 'error'], rng)}`];
    const a = between(2, 90, rng);
    return [`${key}${sep}${a}`, `${key}${sep}${a + between(1, 40, rng)}`];
  }
  if (r < 0.5) {
    const major = between(0, 6, rng);
    const minor = between(0, 19, rng);
    return [`${major}.${minor}.${between(0, 9, rng)}`, `${major}.${minor + 1}.0`];
  }
  if (r < 0.7) {
    const [a, b] = pick([['http://', 'https://'], ['localhost', '127.0.0.1'], ['master', 'main'], ['var ', 'let '],
      ['== null', '=== null'], ['print ', 'print('], ['assertEquals', 'assertSame'], ['utf8', 'utf-8'], ['Promise.all', 'Promise.allSettled'],
      ['.then(', 'await '], ['throw new Error', 'throw new AppError'], ['staging.example.org', 'prod.example.org']] as const, rng);
    return [a, b];
  }
  const [a, b] = pick([['Sign in', 'Log in'], ['Submit order', 'Place order'], ['Loading...', 'Please wait...'],
    ['Welcome back', 'Good to see you'], ['All rights reserved', 'Some rights reserved'], ['Contact us', 'Get in touch'],
    ['Out of stock', 'Sold out'], ['Free shipping', 'Fast shipping'], ['Try again later', 'Retry in a minute']] as const, rng);
  return [a, b];
}

// Text a user asks to write into a file.
export function fileText(rng: Rng): string {
  const r = rng();
  if (r < 0.25) return pick(['LOG_LEVEL=debug', 'PORT=4100', 'NODE_ENV=staging', 'FEATURE_X=off', 'TZ=UTC', 'WORKERS=3'], rng);
  if (r < 0.45) return `${between(0, 4, rng)}.${between(0, 30, rng)}.${between(0, 9, rng)}`;
  if (r < 0.7) return pick(['do not edit by hand', 'generated file', 'work in progress', 'deprecated, see v2', 'owned by the infra team',
    'hello there', 'coming soon', 'back in 5 minutes', 'nothing to see here', 'see the wiki for details'], rng);
  return pick(['*.log', 'dist/', '.venv', 'coverage/', '__pycache__/', '*.tmp', 'build/', '.idea/'], rng);
}

// An npm script name (run as `npm run <name>`); "the tests" are `npm test` instead.
export function npmScript(rng: Rng): string {
  return pick(['build', 'dev', 'start', 'format', 'typecheck', 'e2e', 'storybook', 'bench', 'docs', 'release', 'db:migrate',
    'db:seed', 'preview', 'coverage', 'check', 'codegen', 'watch', 'serve', 'deploy', 'prepare'], rng);
}

// A shell command as a developer would type it, over many ecosystems.
export function shellCommand(rng: Rng): string {
  const f = filePath(rng, 'py');
  return pick([
    `npm run ${npmScript(rng)}`, `pnpm ${pick(['install', 'build', 'lint:fix', 'test:unit'], rng)}`, `yarn ${pick(['install', 'build', 'dev'], rng)}`,
    `make ${pick(['build', 'test', 'install', 'dist', 'docs', 'fmt', 'release', 'all'], rng)}`,
    `cargo ${pick(['test', 'check', 'fmt', 'clippy', 'bench', 'doc', 'run --bin server'], rng)}`,
    `go ${pick(['test ./...', 'build ./cmd/...', 'mod tidy', 'generate ./...', 'run main.go'], rng)}`,
    `pytest ${pick(['-x', '-q', '-k smoke', 'tests/unit', '--lf', '-m slow'], rng)}`,
    `python ${f}`, `python -m ${pick(['http.server 8001', 'pip list', 'venv .venv', 'unittest discover'], rng)}`,
    `git ${pick(['log --oneline -10', 'diff --stat', 'fetch --all', 'stash list', 'branch -a', 'pull --rebase', 'tag -l', 'remote -v', 'show HEAD'], rng)}`,
    `docker ${pick(['ps -a', 'images', 'compose logs -f api', 'compose down', 'system prune -f', 'compose ps'], rng)}`,
    `kubectl ${pick(['get pods', 'get svc -n staging', 'rollout status deploy/api', 'describe pod api-0', 'logs deploy/worker'], rng)}`,
    `./gradlew ${pick(['test', 'build', 'clean', 'bootRun'], rng)}`, `mvn ${pick(['package', 'verify', 'clean install'], rng)}`,
    `bundle exec ${pick(['rspec', 'rake db:migrate', 'rubocop'], rng)}`, `terraform ${pick(['plan', 'fmt', 'validate'], rng)}`,
    `${pick(['ls -la', 'df -h', 'du -sh .', 'pwd', 'whoami', 'uname -a', 'env | sort', 'free -m', 'ps aux'], rng)}`,
    `./scripts/${pick(['bootstrap', 'lint', 'rebuild', 'reset-db', 'gen-certs', 'smoke'], rng)}.sh`,
    `${pick(['eslint . --fix', 'prettier --check .', 'tsc --noEmit', 'ruff check .', 'black .', 'mypy src', 'rubocop -a', 'gofmt -l .'], rng)}`,
  ], rng);
}

// A word or regex to search for.
export function searchPattern(rng: Rng): string {
  const r = rng();
  if (r < 0.45) return identifier(rng);
  if (r < 0.6) return pick(['TODO', 'FIXME', 'HACK', 'XXX', 'obsolete', 'unsafe', 'eval(', 'password', 'secret', 'localhost'], rng);
  if (r < 0.8) return pick(['console.error', 'println!', 'logger.warn', 'fmt.Errorf', 'raise NotImplementedError', 'catch (e)',
    'SELECT \\*', 'process.env', 'os.getenv', '@Override', 'import requests', 'require\\(', 'def test_', 'async fn'], rng);
  return pick(['timeout', 'retry', 'panic', 'assert', 'mutex', 'goroutine', 'useMemo', 'dispatch', 'transaction', 'webhook', 'cron'], rng);
}

// A memory key such as `deploy/region`.
export function memoryKey(rng: Rng): string {
  return `${pick(['deploy', 'build', 'team', 'user', 'ci', 'db', 'api', 'release', 'oncall', 'project', 'cache', 'env'], rng)}/${pick(['region',
    'owner', 'last-run', 'version', 'url', 'bucket', 'branch', 'lead', 'token-ttl', 'status', 'notes', 'target', 'channel'], rng)}`;
}

// A value stored under a memory key.
export function memoryValue(rng: Rng): string {
  return pick(['eu-central-1', 'us-east-2', 'alice', 'bob', 'green', 'v2.3.1', 'nightly', 'postgres://db:5432/main', 'enabled',
    'frozen', '#deploys', 's3://artifacts-prod', 'release/2.4', 'paused', '42', 'ap-south-1', 'carol', 'blue-green'], rng);
}

// A task to orchestrate, in the words a user gives it; some with an apostrophe, which the call then
// writes in double quotes.
export function taskText(rng: Rng): string {
  const what = pick(STEMS, rng).replace(/_/g, ' ');
  const other = pick(STEMS, rng).replace(/_/g, ' ');
  return pick([`refactor the ${what} module`, `add tests for ${what}`, `migrate ${what} to postgres`, `document the ${what} api`,
    `profile the ${what} endpoint`, `clean up ${what} logs`, `upgrade the ${what} client`, `review the ${what} changes`,
    `split the ${what} service`, `fix the ${what} bug`, `benchmark the ${what} path`, `remove dead ${what} code`,
    `move the ${what} code out of the ${other} service`, `find why ${what} requests time out under load`,
    `fix the ${what} service's retry loop`, `rewrite ${what}'s error handling`, `check the ${other} team's ${what} changes`,
    `make ${what} writes idempotent and add a ${other} test`], rng);
}

// A memory namespace such as `billing-cache` or `release`.
export function namespaceName(rng: Rng): string {
  if (chance(0.3, rng)) return pick(['settings', 'platform', 'team', 'ci', 'release', 'sessions', 'perf'], rng);
  return `${pick(STEMS, rng).replace(/_/g, '-')}${pick(['', '-cache', '-state', '-v2', '-notes', '-ops'], rng)}`;
}

// A time to live in words, for `seconds`: the number itself or a duration the call converts to seconds.
export function ttlWords(seconds: number, rng: Rng): string {
  const unit = seconds % 3600 === 0 ? ([seconds / 3600, 'hour'] as const) : seconds % 60 === 0 ? ([seconds / 60, 'minute'] as const) : undefined;
  if (unit === undefined || chance(0.35, rng)) return pick([`, ttl ${seconds}`, ` for ${seconds} seconds`, ` with a ttl of ${seconds}`, `, ttl=${seconds}s`], rng);
  const [n, name] = unit;
  const span = n === 1 ? pick([`1 ${name}`, `one ${name}`, name === 'hour' ? 'an hour' : 'a minute'], rng) : `${n} ${name}s`;
  const words = seconds === 86400 ? pick([span, '24 hours', 'a day'], rng) : span;
  return pick([`, expire it after ${words}`, ` for ${words}`, `, keep it ${words}`, `, ttl ${words}`, ` (expires in ${words})`], rng);
}

// An agent name such as `queue-watcher`.
export function agentName(rng: Rng): string {
  return `${pick(STEMS, rng).replace(/_/g, '-')}-${pick(['bot', 'watcher', 'helper', 'scout', 'keeper', 'runner', 'smith', 'guard'], rng)}`;
}

// A swarm id such as `swarm-4k2`.
export function swarmId(rng: Rng): string {
  const chars = 'abcdefghjkmnpqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < 3; i++) id += chars[Math.floor(rng() * chars.length)] ?? 'x';
  return `${pick(['swarm', 'sw', 'team'], rng)}-${id}`;
}

// Two or three distinct capability words.
export function capabilities(rng: Rng): string[] {
  const all = ['testing', 'linting', 'profiling', 'docs', 'security', 'refactoring', 'code-review', 'benchmarks', 'tracing',
    'caching', 'sql', 'api-design', 'typescript', 'python', 'rust', 'ci', 'fuzzing', 'accessibility'];
  const n = chance(0.7, rng) ? 2 : 3;
  const out: string[] = [];
  while (out.length < n) {
    const c = pick(all, rng);
    if (!out.includes(c)) out.push(c);
  }
  return out;
}

// Task ids another task waits for.
export function taskIds(rng: Rng): string[] {
  const prefix = pick(['task', 'job', 'step', 'tk'], rng);
  const a = between(1, 60, rng);
  return chance(0.6, rng) ? [`${prefix}-${a}`, `${prefix}-${a + between(1, 9, rng)}`] : [`${prefix}-${a}`];
}

// "a, b and c" for a list.
export function listWords(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}
