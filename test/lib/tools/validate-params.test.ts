import { describe, expect, it } from 'vitest';
import { loadBuiltinTools } from '../../../lib/tools/load-tools';
import { createParamsChecker } from '../../../lib/tools/validate-params';

const check = createParamsChecker(loadBuiltinTools());

describe('createParamsChecker', () => {
  it('accepts valid calls', () => {
    expect(check({ tool: 'read', params: { file_path: 'a.ts', offset: 10, limit: 5 } })).toEqual([]);
    expect(check({ tool: 'agent_spawn', params: { type: 'coder', capabilities: ['x'] } })).toEqual([]);
  });

  it('says what is wrong, in the argument names of the call', () => {
    expect(check({ tool: 'read', params: {} })).toEqual(["read: missing required argument 'file_path'"]);
    expect(check({ tool: 'read', params: { file_path: 1, lines: 3 } })).toEqual([
      "read: unknown argument 'lines'",
      'read: file_path must be of type string',
    ]);
    expect(check({ tool: 'grep', params: { pattern: 'x', output_mode: 'lines' } })).toEqual([
      'grep: output_mode must be one of "content", "files_with_matches", "count"',
    ]);
    expect(check({ tool: 'read', params: { file_path: 'a', limit: 0 } })).toEqual(['read: limit must be >= 1']);
    expect(check({ tool: 'agent_spawn', params: { type: 'coder', capabilities: [1] } })).toEqual([
      'agent_spawn: capabilities.0 must be of type string',
    ]);
  });

  it('rejects unknown tools, naming the known ones', () => {
    expect(check({ tool: 'fetch', params: {} })[0]).toMatch(/^unknown tool 'fetch' \(known tools: read, write, edit/);
  });
});
