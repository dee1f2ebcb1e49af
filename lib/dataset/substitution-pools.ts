// The values augmentation may swap into an example: file names by kind, folders, words, languages, numbers.
// A value is only swapped for one of the same pool, so the new request still makes sense and the
// new arguments stay valid for the tool (enum members are swapped for enum members).

// Files by kind: the extension after the first dot of the name (`test.ts` for smoke.test.ts), with a
// `test_` prefix kept apart (`test_py`), so a test file is swapped for a test file.
export const FILE_POOLS: Readonly<Record<string, readonly string[]>> = {
  ts: ['src/index.ts', 'src/utils/date.ts', 'lib/cache.ts', 'server/routes.ts', 'src/models/user.ts', 'packages/core/src/client.ts'],
  'test.ts': ['tests/api.test.ts', 'src/utils/date.test.ts', 'test/cache.test.ts', 'packages/core/test/client.test.ts'],
  tsx: ['src/App.tsx', 'src/components/Button.tsx', 'app/page.tsx', 'src/pages/Login.tsx'],
  js: ['index.js', 'lib/parser/tokenizer.js', 'scripts/build.js', 'public/app.js', 'webpack.config.js'],
  py: ['app.py', 'main.py', 'scripts/migrate.py', 'src/pipeline/train.py', 'manage.py', 'src/parser.py'],
  test_py: ['tests/test_models.py', 'tests/test_auth.py', 'tests/unit/test_parser.py', 'test_utils.py'],
  json: ['package.json', 'tsconfig.json', 'config/settings.json', '.eslintrc.json', 'data/users.json', 'composer.json'],
  md: ['README.md', 'CHANGELOG.md', 'docs/guide.md', 'CONTRIBUTING.md', 'docs/architecture.md', 'docs/FAQ.md'],
  yml: ['.github/workflows/release.yml', 'docker-compose.yml', 'config/app.yml', '.github/workflows/deploy.yml'],
  sh: ['scripts/deploy.sh', 'scripts/setup.sh', 'bin/release.sh', 'scripts/backup.sh'],
  txt: ['notes.txt', 'requirements.txt', 'data/sample.txt', 'docs/licenses.txt'],
  log: ['logs/app.log', 'logs/access.log', 'logs/error.log', 'var/log/worker.log', 'debug.log'],
  rs: ['src/lib.rs', 'src/main.rs', 'src/parser/lexer.rs'],
  go: ['main.go', 'cmd/server/main.go', 'internal/store/store.go'],
};

// Folders, by kind: a folder is swapped only where it is a call's `path` argument.
export const FOLDER_POOLS: readonly (readonly string[])[] = [
  ['src', 'lib', 'app', 'server', 'packages/core', 'internal'],
  ['docs', 'documentation', 'wiki', 'guides'],
  ['config', 'settings', 'conf', 'deploy'],
];

// Words that appear both in a request and in its arguments. "auth" stays out of the config names:
// the suite asks for the auth config, and augmentation must not hand the model that answer.
export const WORD_POOLS: readonly (readonly string[])[] = [
  ['mesh', 'ring', 'star', 'hierarchical'],
  ['researcher', 'coder', 'tester', 'reviewer', 'analyst', 'architect', 'optimizer', 'documenter', 'coordinator', 'monitor',
    'specialist', 'task-orchestrator', 'code-analyzer', 'perf-analyzer', 'api-docs', 'performance-benchmarker', 'system-architect'],
  ['low', 'medium', 'high', 'critical'],
  ['auto', 'balanced', 'specialized', 'adaptive'],
  ['TODO', 'FIXME', 'HACK', 'XXX', 'BUG', 'NOTE'],
  ['lodash', 'axios', 'moment', 'express', 'jquery', 'rxjs', 'zod'],
  ['api_key', 'secret_token', 'password', 'client_secret', 'access_token'],
  ['database', 'redis', 'logging', 'cache', 'mail', 'queue', 'storage', 'payments'],
  ['swarm', 'perf', 'coordination', 'metrics', 'agents', 'sessions'],
  ['api-builder', 'docs-writer', 'test-runner', 'ui-fixer', 'data-loader'],
];

// Language names and the extension their glob patterns use (`Python` in the request, `*.py` in the call).
export const LANGUAGES: readonly { name: string; ext: string }[] = [
  { name: 'Python', ext: 'py' },
  { name: 'TypeScript', ext: 'ts' },
  { name: 'JavaScript', ext: 'js' },
  { name: 'Go', ext: 'go' },
  { name: 'Rust', ext: 'rs' },
  { name: 'Ruby', ext: 'rb' },
  { name: 'Java', ext: 'java' },
  { name: 'Kotlin', ext: 'kt' },
  { name: 'PHP', ext: 'php' },
  { name: 'Swift', ext: 'swift' },
  { name: 'Markdown', ext: 'md' },
  { name: 'YAML', ext: 'yml' },
  { name: 'JSON', ext: 'json' },
  { name: 'CSS', ext: 'css' },
  { name: 'HTML', ext: 'html' },
  { name: 'SQL', ext: 'sql' },
  { name: 'Lua', ext: 'lua' },
  { name: 'Dart', ext: 'dart' },
];

// Numbers, by size: agent counts and context lines, line counts, ports.
export const NUMBER_POOLS: readonly { max: number; values: readonly number[] }[] = [
  { max: 12, values: [2, 3, 4, 5, 6, 8, 10, 12] },
  { max: 999, values: [10, 20, 25, 30, 60, 75, 100, 120, 150, 300] },
  { max: Number.MAX_SAFE_INTEGER, values: [3000, 3306, 4000, 5000, 5432, 6379, 8000, 8080, 9000, 9090, 27017] },
];
