// The hand-written base examples: realistic requests over the guide's eight categories.
//
// Conventions the examples teach (the fixed suite in suite-cases.ts tests that the model learned them):
// - only the arguments the request determines are passed; defaults are left out;
// - "Create X" with no content asked for writes an empty file (content='');
// - "the <name> config" is config/<name>.json;
// - "Run/Execute the <script>" is `npm run <script>`, except the tests, which are `npm test`;
// - a named folder goes to `path`, and glob patterns are recursive (`**/*.ext`);
// - quoted text to save is written exactly, generated files end with a newline.
import type { JsonValue, ToolCall } from '../tool-call/syntax';
import { ARGUMENT_EXAMPLES } from './argument-examples';
import { NO_TOOL_EXAMPLES } from './no-tool-examples';
import type { BaseExample } from './types';

function call(tool: string, params: Record<string, JsonValue>): ToolCall {
  return { tool, params };
}

const ESCAPE_TS = [
  'export function escapeRegExp(s: string): string {',
  "  return s.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&');",
  '}',
  '',
].join('\n');

// At least the guide's counts per category (read 4, write 3, edit 3, bash 5, grep 4, glob 4, multi-step 3, claude-flow 3).
const CORE_EXAMPLES: readonly BaseExample[] = [
  // read
  {
    id: 'read-01', category: 'read', difficulty: 'easy',
    query: 'Read the package.json file',
    reply: "I'll read the package.json file.",
    calls: [call('read', { file_path: 'package.json' })],
  },
  {
    id: 'read-02', category: 'read', difficulty: 'easy',
    query: 'Show me the database config',
    reply: "I'll read the database config.",
    calls: [call('read', { file_path: 'config/database.json' })],
  },
  {
    id: 'read-03', category: 'read', difficulty: 'medium',
    query: 'Read the first 40 lines of src/server/app.ts',
    reply: "I'll read the first 40 lines of src/server/app.ts.",
    calls: [call('read', { file_path: 'src/server/app.ts', limit: 40 })],
  },
  {
    id: 'read-04', category: 'read', difficulty: 'medium',
    query: 'Read 50 lines of logs/error.log starting at line 200',
    reply: "I'll read 50 lines of logs/error.log from line 200.",
    calls: [call('read', { file_path: 'logs/error.log', offset: 200, limit: 50 })],
  },
  {
    id: 'read-05', category: 'read', difficulty: 'easy',
    query: 'Open docs/ÜBERSICHT.md',
    reply: "I'll open docs/ÜBERSICHT.md.",
    calls: [call('read', { file_path: 'docs/ÜBERSICHT.md' })],
  },
  {
    id: 'read-06', category: 'read', difficulty: 'medium',
    query: 'What\'s in "My Notes/todo list.txt"?',
    reply: "I'll read My Notes/todo list.txt.",
    calls: [call('read', { file_path: 'My Notes/todo list.txt' })],
  },

  // write
  {
    id: 'write-01', category: 'write', difficulty: 'easy',
    query: 'Create src/index.ts',
    reply: "I'll create an empty src/index.ts.",
    calls: [call('write', { file_path: 'src/index.ts', content: '' })],
  },
  {
    id: 'write-02', category: 'write', difficulty: 'medium',
    query: 'Write a .gitignore that ignores node_modules and dist',
    reply: "I'll write a .gitignore for node_modules and dist.",
    calls: [call('write', { file_path: '.gitignore', content: 'node_modules/\ndist/\n' })],
  },
  {
    id: 'write-03', category: 'write', difficulty: 'medium',
    query: 'Create hello.py that prints "Hello, world!"',
    reply: "I'll create hello.py with a print statement.",
    calls: [call('write', { file_path: 'hello.py', content: 'print("Hello, world!")\n' })],
  },
  {
    id: 'write-04', category: 'write', difficulty: 'hard',
    query: 'Write config/redis.json with host localhost and port 6379',
    reply: "I'll write the Redis settings to config/redis.json.",
    calls: [call('write', { file_path: 'config/redis.json', content: '{\n  "host": "localhost",\n  "port": 6379\n}\n' })],
  },
  {
    id: 'write-05', category: 'write', difficulty: 'medium',
    query: "Save the text 'Grüße aus München' to greetings/de.txt",
    reply: "I'll save the text to greetings/de.txt.",
    calls: [call('write', { file_path: 'greetings/de.txt', content: 'Grüße aus München' })],
  },
  {
    id: 'write-06', category: 'write', difficulty: 'hard',
    query: 'Write src/utils/escape.ts with a function escapeRegExp that escapes regex special characters',
    reply: "I'll write escapeRegExp to src/utils/escape.ts.",
    calls: [call('write', { file_path: 'src/utils/escape.ts', content: ESCAPE_TS })],
  },

  // edit
  {
    id: 'edit-01', category: 'edit', difficulty: 'easy',
    query: "Replace 'localhost' with '127.0.0.1' in config/database.json",
    reply: "I'll replace localhost with 127.0.0.1 in config/database.json.",
    calls: [call('edit', { file_path: 'config/database.json', old_string: 'localhost', new_string: '127.0.0.1' })],
  },
  {
    id: 'edit-02', category: 'edit', difficulty: 'easy',
    query: 'Rename every occurrence of getUser to fetchUser in src/api/users.ts',
    reply: "I'll rename getUser to fetchUser throughout src/api/users.ts.",
    calls: [call('edit', { file_path: 'src/api/users.ts', old_string: 'getUser', new_string: 'fetchUser', replace_all: true })],
  },
  {
    id: 'edit-03', category: 'edit', difficulty: 'easy',
    query: 'Change `const DEBUG = true` to `const DEBUG = false` in src/flags.ts',
    reply: "I'll turn DEBUG off in src/flags.ts.",
    calls: [call('edit', { file_path: 'src/flags.ts', old_string: 'const DEBUG = true', new_string: 'const DEBUG = false' })],
  },
  {
    id: 'edit-04', category: 'edit', difficulty: 'hard',
    query: 'In scripts/deploy.sh replace `echo "done"` with `echo \'Deployment finished\'`',
    reply: "I'll change the final message in scripts/deploy.sh.",
    calls: [call('edit', { file_path: 'scripts/deploy.sh', old_string: 'echo "done"', new_string: "echo 'Deployment finished'" })],
  },
  {
    id: 'edit-05', category: 'edit', difficulty: 'medium',
    query: "Fix the typo 'recieve' → 'receive' everywhere in docs/guide.md",
    reply: "I'll fix every 'recieve' in docs/guide.md.",
    calls: [call('edit', { file_path: 'docs/guide.md', old_string: 'recieve', new_string: 'receive', replace_all: true })],
  },
  {
    id: 'edit-06', category: 'edit', difficulty: 'hard',
    query: "In src/parse.py, change the regex r'\\d+' to r'\\d+(\\.\\d+)?'",
    reply: "I'll widen the number regex in src/parse.py to accept decimals.",
    calls: [call('edit', { file_path: 'src/parse.py', old_string: "r'\\d+'", new_string: "r'\\d+(\\.\\d+)?'" })],
  },

  // bash
  {
    id: 'bash-01', category: 'bash', difficulty: 'easy',
    query: 'Run the tests',
    reply: "I'll run the test suite.",
    calls: [call('bash', { command: 'npm test' })],
  },
  {
    id: 'bash-02', category: 'bash', difficulty: 'easy',
    query: 'Install the dependencies',
    reply: "I'll install the dependencies.",
    calls: [call('bash', { command: 'npm install' })],
  },
  {
    id: 'bash-03', category: 'bash', difficulty: 'easy',
    query: 'Execute the build',
    reply: "I'll run the build.",
    calls: [call('bash', { command: 'npm run build' })],
  },
  {
    id: 'bash-04', category: 'bash', difficulty: 'medium',
    query: 'Run the type checker',
    reply: "I'll run the TypeScript compiler without emitting files.",
    calls: [call('bash', { command: 'npx tsc --noEmit' })],
  },
  {
    id: 'bash-05', category: 'bash', difficulty: 'medium',
    query: 'Run pytest on tests/test_api.py with verbose output',
    reply: "I'll run pytest verbosely on tests/test_api.py.",
    calls: [call('bash', { command: 'pytest -v tests/test_api.py' })],
  },
  {
    id: 'bash-06', category: 'bash', difficulty: 'hard',
    query: 'Run the full test suite with a 10 minute timeout',
    reply: "I'll run the tests with a 10-minute timeout.",
    calls: [call('bash', { command: 'npm test', timeout: 600000 })],
  },
  {
    id: 'bash-07', category: 'bash', difficulty: 'hard',
    query: 'Commit the staged changes with the message "fix: handle empty input"',
    reply: "I'll commit the staged changes.",
    calls: [call('bash', { command: 'git commit -m "fix: handle empty input"' })],
  },
  {
    id: 'bash-08', category: 'bash', difficulty: 'medium',
    query: 'Run the formatter',
    reply: "I'll run the formatter.",
    calls: [call('bash', { command: 'npm run format' })],
  },
  {
    id: 'bash-09', category: 'bash', difficulty: 'medium',
    query: 'Check which process is listening on port 5432',
    reply: "I'll look up the process on port 5432.",
    calls: [call('bash', { command: 'lsof -i :5432' })],
  },

  // grep
  {
    id: 'grep-01', category: 'grep', difficulty: 'medium',
    query: 'Find all FIXME comments',
    reply: "I'll search for FIXME comments.",
    calls: [call('grep', { pattern: 'FIXME' })],
  },
  {
    id: 'grep-02', category: 'grep', difficulty: 'medium',
    query: 'Which files mention lodash?',
    reply: "I'll list the files that mention lodash.",
    calls: [call('grep', { pattern: 'lodash', output_mode: 'files_with_matches' })],
  },
  {
    id: 'grep-03', category: 'grep', difficulty: 'hard',
    query: 'Search src for functions whose names start with handle, case-insensitive, with line numbers',
    reply: "I'll search src for handle* functions, ignoring case and showing line numbers.",
    calls: [call('grep', { pattern: 'function handle\\w*', path: 'src', output_mode: 'content', case_insensitive: true, line_numbers: true })],
  },
  {
    id: 'grep-04', category: 'grep', difficulty: 'hard',
    query: 'Count the console.log calls in TypeScript files',
    reply: "I'll count the console.log calls in the TypeScript files.",
    calls: [call('grep', { pattern: 'console\\.log', glob: '*.ts', output_mode: 'count' })],
  },
  {
    id: 'grep-05', category: 'grep', difficulty: 'medium',
    query: 'Grep for "api_key" ignoring case in the config directory',
    reply: "I'll search config for api_key, ignoring case.",
    calls: [call('grep', { pattern: 'api_key', path: 'config', case_insensitive: true })],
  },
  {
    id: 'grep-06', category: 'grep', difficulty: 'hard',
    query: "Show 3 lines of context around each 'panic!' in src",
    reply: "I'll show each panic! in src with 3 lines of context.",
    calls: [call('grep', { pattern: 'panic!', path: 'src', output_mode: 'content', context: 3 })],
  },
  {
    id: 'grep-07', category: 'grep', difficulty: 'hard',
    query: 'Find lines that look like IPv4 addresses in logs/access.log',
    reply: "I'll search logs/access.log for IPv4 addresses.",
    calls: [call('grep', { pattern: '\\b\\d{1,3}(\\.\\d{1,3}){3}\\b', path: 'logs/access.log', output_mode: 'content' })],
  },

  // glob
  {
    id: 'glob-01', category: 'glob', difficulty: 'easy',
    query: 'Find all Python files',
    reply: "I'll find all Python files.",
    calls: [call('glob', { pattern: '**/*.py' })],
  },
  {
    id: 'glob-02', category: 'glob', difficulty: 'easy',
    query: 'List the Markdown files in docs',
    reply: "I'll list the Markdown files under docs.",
    calls: [call('glob', { pattern: '**/*.md', path: 'docs' })],
  },
  {
    id: 'glob-03', category: 'glob', difficulty: 'medium',
    query: 'Find every test file under src (names ending in .test.ts)',
    reply: "I'll find the .test.ts files under src.",
    calls: [call('glob', { pattern: '**/*.test.ts', path: 'src' })],
  },
  {
    id: 'glob-04', category: 'glob', difficulty: 'medium',
    query: 'Which JSON files are in the config folder?',
    reply: "I'll list the JSON files in config.",
    calls: [call('glob', { pattern: '**/*.json', path: 'config' })],
  },
  {
    id: 'glob-05', category: 'glob', difficulty: 'medium',
    query: 'List all React component files (.tsx and .jsx)',
    reply: "I'll find the .tsx and .jsx files.",
    calls: [call('glob', { pattern: '**/*.{tsx,jsx}' })],
  },
  {
    id: 'glob-06', category: 'glob', difficulty: 'hard',
    query: 'Find Dockerfiles anywhere in the repo, including ones like Dockerfile.dev',
    reply: "I'll search the whole repository for Dockerfiles.",
    calls: [call('glob', { pattern: '**/Dockerfile*' })],
  },
  {
    id: 'glob-07', category: 'glob', difficulty: 'easy',
    query: 'List all Go files',
    reply: "I'll list all Go files.",
    calls: [call('glob', { pattern: '**/*.go' })],
  },

  // multi-step: several calls, in the order they must run
  {
    id: 'multi-01', category: 'multi-step', difficulty: 'hard',
    query: 'Read src/config.ts and then change the timeout from 3000 to 5000',
    reply: "I'll read src/config.ts, then update the timeout.",
    calls: [
      call('read', { file_path: 'src/config.ts' }),
      call('edit', { file_path: 'src/config.ts', old_string: 'timeout: 3000', new_string: 'timeout: 5000' }),
    ],
  },
  {
    id: 'multi-02', category: 'multi-step', difficulty: 'hard',
    query: 'Find all TODO comments in src and then run the tests',
    reply: "I'll search src for TODOs and then run the tests.",
    calls: [call('grep', { pattern: 'TODO', path: 'src' }), call('bash', { command: 'npm test' })],
  },
  {
    id: 'multi-03', category: 'multi-step', difficulty: 'hard',
    query: 'Create tests/smoke.test.ts with an empty describe block, then run vitest on it',
    reply: "I'll create the smoke test and run it with vitest.",
    calls: [
      call('write', { file_path: 'tests/smoke.test.ts', content: "describe('smoke', () => {});\n" }),
      call('bash', { command: 'npx vitest run tests/smoke.test.ts' }),
    ],
  },
  {
    id: 'multi-04', category: 'multi-step', difficulty: 'hard',
    query: 'List the YAML files in .github/workflows and read ci.yml',
    reply: "I'll list the workflow files and read ci.yml.",
    calls: [
      call('glob', { pattern: '**/*.yml', path: '.github/workflows' }),
      call('read', { file_path: '.github/workflows/ci.yml' }),
    ],
  },
  {
    id: 'multi-05', category: 'multi-step', difficulty: 'hard',
    query: 'Initialize a mesh swarm with 5 agents and spawn a researcher',
    reply: "I'll set up a mesh swarm and spawn a researcher agent.",
    calls: [call('swarm_init', { topology: 'mesh', maxAgents: 5 }), call('agent_spawn', { type: 'researcher' })],
  },
  {
    id: 'multi-06', category: 'multi-step', difficulty: 'hard',
    query: 'Install dependencies, build the project and then run the tests',
    reply: "I'll install, build and test, in that order.",
    calls: [
      call('bash', { command: 'npm install' }),
      call('bash', { command: 'npm run build' }),
      call('bash', { command: 'npm test' }),
    ],
  },
  {
    id: 'multi-07', category: 'multi-step', difficulty: 'hard',
    query: 'Save \'v2.1.0\' to VERSION and commit it with the message "chore: bump version"',
    reply: "I'll write the version file and commit it.",
    calls: [
      call('write', { file_path: 'VERSION', content: 'v2.1.0' }),
      call('bash', { command: 'git add VERSION && git commit -m "chore: bump version"' }),
    ],
  },

  // claude-flow MCP tools
  {
    id: 'flow-01', category: 'claude-flow', difficulty: 'medium',
    query: 'Initialize a hierarchical swarm with up to 8 agents',
    reply: "I'll initialize a hierarchical swarm with 8 agents.",
    calls: [call('swarm_init', { topology: 'hierarchical', maxAgents: 8 })],
  },
  {
    id: 'flow-02', category: 'claude-flow', difficulty: 'medium',
    query: 'Spawn a coder agent named api-builder',
    reply: "I'll spawn a coder agent called api-builder.",
    calls: [call('agent_spawn', { type: 'coder', name: 'api-builder' })],
  },
  {
    id: 'flow-03', category: 'claude-flow', difficulty: 'medium',
    query: 'Orchestrate the task "Refactor the payment module" in parallel with high priority',
    reply: "I'll orchestrate the refactoring in parallel at high priority.",
    calls: [call('task_orchestrate', { task: 'Refactor the payment module', strategy: 'parallel', priority: 'high' })],
  },
  {
    id: 'flow-04', category: 'claude-flow', difficulty: 'medium',
    query: "Store 'postgres://localhost:5432/app' in memory under the key db/url",
    reply: "I'll store the database URL under db/url.",
    calls: [call('memory_usage', { action: 'store', key: 'db/url', value: 'postgres://localhost:5432/app' })],
  },
  {
    id: 'flow-05', category: 'claude-flow', difficulty: 'easy',
    query: 'List everything in the swarm memory namespace',
    reply: "I'll list the entries in the swarm namespace.",
    calls: [call('memory_usage', { action: 'list', namespace: 'swarm' })],
  },
  {
    id: 'flow-06', category: 'claude-flow', difficulty: 'medium',
    query: 'Spawn a tester agent with the capabilities unit-testing and e2e-testing',
    reply: "I'll spawn a tester with those two capabilities.",
    calls: [call('agent_spawn', { type: 'tester', capabilities: ['unit-testing', 'e2e-testing'] })],
  },
  {
    id: 'flow-07', category: 'claude-flow', difficulty: 'medium',
    query: 'Start a star swarm using the specialized strategy',
    reply: "I'll start a star swarm with the specialized strategy.",
    calls: [call('swarm_init', { topology: 'star', strategy: 'specialized' })],
  },
  {
    id: 'flow-08', category: 'claude-flow', difficulty: 'hard',
    query: 'Delete the key cache/warmup from the perf namespace',
    reply: "I'll delete cache/warmup from the perf namespace.",
    calls: [call('memory_usage', { action: 'delete', key: 'cache/warmup', namespace: 'perf' })],
  },
];

// Every hand-written example: the core ones, those that teach every parameter, and the no-tool ones.
export const BASE_EXAMPLES: readonly BaseExample[] = [...CORE_EXAMPLES, ...ARGUMENT_EXAMPLES, ...NO_TOOL_EXAMPLES];
