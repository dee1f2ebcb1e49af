// Hand-written examples that teach arguments: every parameter of every built-in tool appears in several
// combinations (optional ones present and absent, enum values, integers, booleans, old/new strings split
// apart), in casual and terse phrasings as well as tidy ones. Same conventions as base-examples.ts.
import type { JsonValue, ToolCall } from '../tool-call/syntax';
import type { BaseExample } from './types';

function call(tool: string, params: Record<string, JsonValue>): ToolCall {
  return { tool, params };
}

// Grouped by category like BASE_EXAMPLES; ids start with `arg-`.
export const ARGUMENT_EXAMPLES: readonly BaseExample[] = [
  // read: offset without limit, limit without offset, the config convention in lower case
  { id: 'arg-read-01', category: 'read', difficulty: 'medium', query: 'show src/router/index.js from line 80 on',
    reply: "I'll read src/router/index.js from line 80.", calls: [call('read', { file_path: 'src/router/index.js', offset: 80 })] },
  { id: 'arg-read-02', category: 'read', difficulty: 'medium', query: 'open tsconfig.build.json, only the first 12 lines',
    reply: "I'll read the first 12 lines of tsconfig.build.json.", calls: [call('read', { file_path: 'tsconfig.build.json', limit: 12 })] },
  { id: 'arg-read-03', category: 'read', difficulty: 'easy', query: 'whats inside the logging config',
    reply: "I'll read the logging config.", calls: [call('read', { file_path: 'config/logging.json' })] },

  // write
  { id: 'arg-write-01', category: 'write', difficulty: 'medium', query: "make notes/shopping.md containing '- buy milk'",
    reply: "I'll write notes/shopping.md.", calls: [call('write', { file_path: 'notes/shopping.md', content: '- buy milk' })] },
  { id: 'arg-write-02', category: 'write', difficulty: 'easy', query: 'new empty file src/lib/__init__.py',
    reply: "I'll create an empty src/lib/__init__.py.", calls: [call('write', { file_path: 'src/lib/__init__.py', content: '' })] },

  // edit: old and new text split apart, replace_all true, false and absent
  { id: 'arg-edit-01', category: 'edit', difficulty: 'medium', query: 'in src/components/Form.jsx swap useState for useReducer',
    reply: "I'll replace useState with useReducer in src/components/Form.jsx.",
    calls: [call('edit', { file_path: 'src/components/Form.jsx', old_string: 'useState', new_string: 'useReducer' })] },
  { id: 'arg-edit-02', category: 'edit', difficulty: 'medium', query: "README.md: 'Copyright 2023' should be 'Copyright 2025'",
    reply: "I'll update the copyright line in README.md.",
    calls: [call('edit', { file_path: 'README.md', old_string: 'Copyright 2023', new_string: 'Copyright 2025' })] },
  { id: 'arg-edit-03', category: 'edit', difficulty: 'medium', query: 'rename tmpData to parsedRows all through src/etl/load.py',
    reply: "I'll rename tmpData to parsedRows everywhere in src/etl/load.py.",
    calls: [call('edit', { file_path: 'src/etl/load.py', old_string: 'tmpData', new_string: 'parsedRows', replace_all: true })] },
  { id: 'arg-edit-04', category: 'edit', difficulty: 'hard', query: "only the first 'TODO: remove' in src/cleanup.ts becomes 'NOTE: kept', leave the rest",
    reply: "I'll change just the first occurrence in src/cleanup.ts.",
    calls: [call('edit', { file_path: 'src/cleanup.ts', old_string: 'TODO: remove', new_string: 'NOTE: kept', replace_all: false })] },
  { id: 'arg-edit-05', category: 'edit', difficulty: 'easy', query: 'config/app.yml: debug: true -> debug: false',
    reply: "I'll turn debug off in config/app.yml.",
    calls: [call('edit', { file_path: 'config/app.yml', old_string: 'debug: true', new_string: 'debug: false' })] },

  // bash: description, timeout in milliseconds, both, terse commands
  { id: 'arg-bash-01', category: 'bash', difficulty: 'medium', query: "run ./scripts/seed.sh and describe it as 'seed the dev database'",
    reply: "I'll run the seed script.", calls: [call('bash', { command: './scripts/seed.sh', description: 'seed the dev database' })] },
  { id: 'arg-bash-02', category: 'bash', difficulty: 'medium', query: 'npm run e2e with a 3 minute timeout',
    reply: "I'll run the e2e tests with a 3-minute timeout.", calls: [call('bash', { command: 'npm run e2e', timeout: 180000 })] },
  { id: 'arg-bash-03', category: 'bash', difficulty: 'hard', query: "go vet ./..., description 'static checks', 2 minutes max",
    reply: "I'll run go vet with a 2-minute timeout.",
    calls: [call('bash', { command: 'go vet ./...', timeout: 120000, description: 'static checks' })] },
  { id: 'arg-bash-04', category: 'bash', difficulty: 'easy', query: 'git log --oneline -5',
    reply: "I'll show the last five commits.", calls: [call('bash', { command: 'git log --oneline -5' })] },
  { id: 'arg-bash-05', category: 'bash', difficulty: 'easy', query: 'pls run pip install -r requirements.txt',
    reply: "I'll install the Python requirements.", calls: [call('bash', { command: 'pip install -r requirements.txt' })] },

  // grep: type, lines_before, lines_after, multiline, head_limit, every output_mode
  { id: 'arg-grep-01', category: 'grep', difficulty: 'medium', query: 'find panicf calls in files of type go',
    reply: "I'll search the Go files for panicf.", calls: [call('grep', { pattern: 'panicf', type: 'go' })] },
  { id: 'arg-grep-02', category: 'grep', difficulty: 'hard', query: "4 lines before each 'raise ValueError' in src/validators.py",
    reply: "I'll show 4 lines before each raise ValueError in src/validators.py.",
    calls: [call('grep', { pattern: 'raise ValueError', path: 'src/validators.py', output_mode: 'content', lines_before: 4 })] },
  { id: 'arg-grep-03', category: 'grep', difficulty: 'hard', query: "show 3 lines after every 'BEGIN TRANSACTION' in migrations",
    reply: "I'll show 3 lines after each BEGIN TRANSACTION in migrations.",
    calls: [call('grep', { pattern: 'BEGIN TRANSACTION', path: 'migrations', output_mode: 'content', lines_after: 3 })] },
  { id: 'arg-grep-04', category: 'grep', difficulty: 'hard', query: 'find BEGIN...END blocks spanning several lines in templates/mail.html',
    reply: "I'll search templates/mail.html with multiline matching.",
    calls: [call('grep', { pattern: 'BEGIN.*?END', path: 'templates/mail.html', output_mode: 'content', multiline: true })] },
  { id: 'arg-grep-05', category: 'grep', difficulty: 'medium', query: 'only the first 10 files that import axios',
    reply: "I'll list the first 10 files that import axios.", calls: [call('grep', { pattern: 'import axios', head_limit: 10 })] },
  { id: 'arg-grep-06', category: 'grep', difficulty: 'medium', query: "how often is 'retry' used in lib, per file",
    reply: "I'll count the uses of retry in lib.", calls: [call('grep', { pattern: 'retry', path: 'lib', output_mode: 'count' })] },
  { id: 'arg-grep-07', category: 'grep', difficulty: 'medium', query: 'which files contain createStore? just the names',
    reply: "I'll list the files that contain createStore.", calls: [call('grep', { pattern: 'createStore', output_mode: 'files_with_matches' })] },
  { id: 'arg-grep-08', category: 'grep', difficulty: 'hard', query: 'grep warning in logs/build.log, any case, with line numbers',
    reply: "I'll search logs/build.log for warning, ignoring case, with line numbers.",
    calls: [call('grep', { pattern: 'warning', path: 'logs/build.log', output_mode: 'content', case_insensitive: true, line_numbers: true })] },

  // glob
  { id: 'arg-glob-01', category: 'glob', difficulty: 'easy', query: 'any .vue files in frontend?',
    reply: "I'll look for .vue files in frontend.", calls: [call('glob', { pattern: '**/*.vue', path: 'frontend' })] },
  { id: 'arg-glob-02', category: 'glob', difficulty: 'easy', query: 'list the *.lock files',
    reply: "I'll list the lock files.", calls: [call('glob', { pattern: '**/*.lock' })] },

  // claude-flow: every enum, swarmId, dependencies, ttl, retrieve and search
  { id: 'arg-flow-01', category: 'claude-flow', difficulty: 'medium', query: 'spin up a ring swarm, 3 agents max, balanced strategy',
    reply: "I'll start a ring swarm of up to 3 agents.", calls: [call('swarm_init', { topology: 'ring', maxAgents: 3, strategy: 'balanced' })] },
  { id: 'arg-flow-02', category: 'claude-flow', difficulty: 'easy', query: 'mesh swarm with the adaptive strategy',
    reply: "I'll start a mesh swarm with the adaptive strategy.", calls: [call('swarm_init', { topology: 'mesh', strategy: 'adaptive' })] },
  { id: 'arg-flow-03', category: 'claude-flow', difficulty: 'medium', query: 'spawn a system-architect into swarm swarm-alpha',
    reply: "I'll add a system-architect to swarm-alpha.", calls: [call('agent_spawn', { type: 'system-architect', swarmId: 'swarm-alpha' })] },
  { id: 'arg-flow-04', category: 'claude-flow', difficulty: 'hard', query: 'add an api-docs agent named doc-bot with the capability openapi',
    reply: "I'll spawn doc-bot, an api-docs agent.", calls: [call('agent_spawn', { type: 'api-docs', name: 'doc-bot', capabilities: ['openapi'] })] },
  { id: 'arg-flow-05', category: 'claude-flow', difficulty: 'easy', query: 'launch a coordinator agent',
    reply: "I'll spawn a coordinator.", calls: [call('agent_spawn', { type: 'coordinator' })] },
  { id: 'arg-flow-06', category: 'claude-flow', difficulty: 'hard', query: "orchestrate 'update the changelog' sequentially, low priority",
    reply: "I'll orchestrate the changelog update one step at a time.",
    calls: [call('task_orchestrate', { task: 'update the changelog', strategy: 'sequential', priority: 'low' })] },
  { id: 'arg-flow-07', category: 'claude-flow', difficulty: 'hard', query: "coordinate 'deploy to prod' after tasks build-7 and test-3",
    reply: "I'll orchestrate the deploy once build-7 and test-3 are done.",
    calls: [call('task_orchestrate', { task: 'deploy to prod', dependencies: ['build-7', 'test-3'] })] },
  { id: 'arg-flow-08', category: 'claude-flow', difficulty: 'medium', query: "orchestrate 'clean up stale branches', adaptive, medium priority",
    reply: "I'll orchestrate the branch clean-up.",
    calls: [call('task_orchestrate', { task: 'clean up stale branches', strategy: 'adaptive', priority: 'medium' })] },
  { id: 'arg-flow-09', category: 'claude-flow', difficulty: 'easy', query: 'retrieve config/region from memory',
    reply: "I'll retrieve config/region.", calls: [call('memory_usage', { action: 'retrieve', key: 'config/region' })] },
  { id: 'arg-flow-10', category: 'claude-flow', difficulty: 'easy', query: 'search memory for user/*',
    reply: "I'll search memory for user/*.", calls: [call('memory_usage', { action: 'search', key: 'user/*' })] },
  { id: 'arg-flow-11', category: 'claude-flow', difficulty: 'hard', query: "store 'eu-west-1' under deploy/region for 600 seconds",
    reply: "I'll store the region for 600 seconds.",
    calls: [call('memory_usage', { action: 'store', key: 'deploy/region', value: 'eu-west-1', ttl: 600 })] },
  { id: 'arg-flow-12', category: 'claude-flow', difficulty: 'medium', query: 'get auth/token from the sessions namespace',
    reply: "I'll retrieve auth/token from sessions.", calls: [call('memory_usage', { action: 'retrieve', key: 'auth/token', namespace: 'sessions' })] },

  // multi-step
  { id: 'arg-multi-01', category: 'multi-step', difficulty: 'hard', query: "read src/App.vue, then grep for 'v-if' in src",
    reply: "I'll read src/App.vue and then search src for v-if.",
    calls: [call('read', { file_path: 'src/App.vue' }), call('grep', { pattern: 'v-if', path: 'src' })] },
  { id: 'arg-multi-02', category: 'multi-step', difficulty: 'hard', query: "write 'PORT=8080' to .env.local and then run npm start",
    reply: "I'll write .env.local and start the app.",
    calls: [call('write', { file_path: '.env.local', content: 'PORT=8080' }), call('bash', { command: 'npm start' })] },
  { id: 'arg-multi-03', category: 'multi-step', difficulty: 'hard', query: "spawn a coder named fixer and orchestrate 'fix flaky tests' at high priority",
    reply: "I'll spawn fixer and orchestrate the task.",
    calls: [call('agent_spawn', { type: 'coder', name: 'fixer' }), call('task_orchestrate', { task: 'fix flaky tests', priority: 'high' })] },

  // enum values the examples above leave out
  { id: 'arg-flow-13', category: 'claude-flow', difficulty: 'hard', query: "orchestrate 'triage open bugs', balanced strategy, critical priority",
    reply: "I'll orchestrate the bug triage at critical priority.",
    calls: [call('task_orchestrate', { task: 'triage open bugs', strategy: 'balanced', priority: 'critical' })] },
  { id: 'arg-flow-14', category: 'claude-flow', difficulty: 'medium', query: 'set up a hierarchical swarm of 6 agents with the auto strategy',
    reply: "I'll set up a hierarchical swarm of 6 agents.", calls: [call('swarm_init', { topology: 'hierarchical', maxAgents: 6, strategy: 'auto' })] },
  { id: 'arg-flow-15', category: 'claude-flow', difficulty: 'easy', query: 'spawn a code-analyzer',
    reply: "I'll spawn a code-analyzer.", calls: [call('agent_spawn', { type: 'code-analyzer' })] },
  { id: 'arg-flow-16', category: 'claude-flow', difficulty: 'medium', query: 'add a perf-analyzer named profiler',
    reply: "I'll spawn a perf-analyzer called profiler.", calls: [call('agent_spawn', { type: 'perf-analyzer', name: 'profiler' })] },
  { id: 'arg-flow-17', category: 'claude-flow', difficulty: 'hard', query: 'launch a monitor with the capabilities logs and metrics',
    reply: "I'll spawn a monitor with those capabilities.", calls: [call('agent_spawn', { type: 'monitor', capabilities: ['logs', 'metrics'] })] },
  { id: 'arg-flow-18', category: 'claude-flow', difficulty: 'medium', query: 'create a task-orchestrator agent in swarm swarm-beta',
    reply: "I'll add a task-orchestrator to swarm-beta.", calls: [call('agent_spawn', { type: 'task-orchestrator', swarmId: 'swarm-beta' })] },
  { id: 'arg-flow-19', category: 'claude-flow', difficulty: 'medium', query: 'spawn a specialist called sql-guru',
    reply: "I'll spawn a specialist named sql-guru.", calls: [call('agent_spawn', { type: 'specialist', name: 'sql-guru' })] },
  { id: 'arg-flow-20', category: 'claude-flow', difficulty: 'easy', query: 'i need a performance-benchmarker agent',
    reply: "I'll spawn a performance-benchmarker.", calls: [call('agent_spawn', { type: 'performance-benchmarker' })] },
  { id: 'arg-multi-04', category: 'multi-step', difficulty: 'hard', query: 'spawn an analyst and an optimizer',
    reply: "I'll spawn an analyst, then an optimizer.",
    calls: [call('agent_spawn', { type: 'analyst' }), call('agent_spawn', { type: 'optimizer' })] },
];
