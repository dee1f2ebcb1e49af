// The fixed evaluation suite: the guide's six validation queries plus fourteen more in the same spirit.
// Written by hand, never drawn from the training pool; none of these queries may appear in train.
// The expected arguments follow the conventions listed at the top of base-examples.ts.
import type { JsonValue, ToolCall } from '../tool-call/syntax';
import type { Category, Difficulty } from './types';

// One suite case before it is written out as an EvalCase.
export interface SuiteCase {
  id: string;
  category: Category;
  difficulty: Difficulty;
  query: string;
  expected: ToolCall[];
}

function call(tool: string, params: Record<string, JsonValue>): ToolCall {
  return { tool, params };
}

// Twenty cases over all eight categories: the first six are the guide's, word for word.
export const SUITE_CASES: readonly SuiteCase[] = [
  { id: 'suite-01', category: 'read', difficulty: 'easy', query: 'Read package.json', expected: [call('read', { file_path: 'package.json' })] },
  { id: 'suite-02', category: 'write', difficulty: 'easy', query: 'Create utils.ts', expected: [call('write', { file_path: 'utils.ts', content: '' })] },
  { id: 'suite-03', category: 'read', difficulty: 'medium', query: "What's in the auth config", expected: [call('read', { file_path: 'config/auth.json' })] },
  { id: 'suite-04', category: 'bash', difficulty: 'medium', query: 'Execute the linter', expected: [call('bash', { command: 'npm run lint' })] },
  { id: 'suite-05', category: 'grep', difficulty: 'medium', query: 'Search for TODO comments', expected: [call('grep', { pattern: 'TODO' })] },
  { id: 'suite-06', category: 'glob', difficulty: 'easy', query: 'List all TypeScript files', expected: [call('glob', { pattern: '**/*.ts' })] },
  {
    id: 'suite-07', category: 'read', difficulty: 'medium',
    query: 'Show me the first 25 lines of src/main.rs',
    expected: [call('read', { file_path: 'src/main.rs', limit: 25 })],
  },
  {
    id: 'suite-08', category: 'write', difficulty: 'medium',
    query: "Write the text '20' to .nvmrc",
    expected: [call('write', { file_path: '.nvmrc', content: '20' })],
  },
  {
    id: 'suite-09', category: 'edit', difficulty: 'medium',
    query: "Replace 'http://' with 'https://' everywhere in docs/links.md",
    expected: [call('edit', { file_path: 'docs/links.md', old_string: 'http://', new_string: 'https://', replace_all: true })],
  },
  {
    id: 'suite-10', category: 'edit', difficulty: 'easy',
    query: 'Change `const PORT = 3000` to `const PORT = 8080` in src/app.ts',
    expected: [call('edit', { file_path: 'src/app.ts', old_string: 'const PORT = 3000', new_string: 'const PORT = 8080' })],
  },
  { id: 'suite-11', category: 'bash', difficulty: 'easy', query: 'Run the build script', expected: [call('bash', { command: 'npm run build' })] },
  {
    id: 'suite-12', category: 'grep', difficulty: 'medium',
    query: 'Which files mention deprecated, ignoring case?',
    expected: [call('grep', { pattern: 'deprecated', output_mode: 'files_with_matches', case_insensitive: true })],
  },
  {
    id: 'suite-13', category: 'grep', difficulty: 'hard',
    query: "Count the occurrences of 'await' in src",
    expected: [call('grep', { pattern: 'await', path: 'src', output_mode: 'count' })],
  },
  {
    id: 'suite-14', category: 'glob', difficulty: 'medium',
    query: 'Find all CSS files in the styles folder',
    expected: [call('glob', { pattern: '**/*.css', path: 'styles' })],
  },
  {
    id: 'suite-15', category: 'glob', difficulty: 'easy',
    query: 'Find every package.json in the repo',
    expected: [call('glob', { pattern: '**/package.json' })],
  },
  {
    id: 'suite-16', category: 'multi-step', difficulty: 'hard',
    query: 'Read src/db.ts and then run the tests',
    expected: [call('read', { file_path: 'src/db.ts' }), call('bash', { command: 'npm test' })],
  },
  {
    id: 'suite-17', category: 'multi-step', difficulty: 'hard',
    query: 'Search lib for FIXME and then list the JavaScript files in lib',
    expected: [call('grep', { pattern: 'FIXME', path: 'lib' }), call('glob', { pattern: '**/*.js', path: 'lib' })],
  },
  {
    id: 'suite-18', category: 'claude-flow', difficulty: 'medium',
    query: 'Initialize a ring swarm with 4 agents',
    expected: [call('swarm_init', { topology: 'ring', maxAgents: 4 })],
  },
  { id: 'suite-19', category: 'claude-flow', difficulty: 'easy', query: 'Spawn a reviewer agent', expected: [call('agent_spawn', { type: 'reviewer' })] },
  {
    id: 'suite-20', category: 'claude-flow', difficulty: 'medium',
    query: "Store 'dark' in memory under the key ui/theme",
    expected: [call('memory_usage', { action: 'store', key: 'ui/theme', value: 'dark' })],
  },
];
