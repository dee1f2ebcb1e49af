// Composed claude-flow requests: swarm_init, agent_spawn, task_orchestrate and memory_usage, every option
// in words, every enum member.
import { call, options, phrase, quote, type Intent } from './draft';
import {
  agentName, between, capabilities, chance, listWords, memoryKey, memoryValue, namespaceName, pick, swarmId, taskIds, taskText, ttlWords,
} from './values';

const TOPOLOGIES = ['hierarchical', 'mesh', 'ring', 'star'] as const;
const SWARM_STRATEGIES = ['auto', 'balanced', 'specialized', 'adaptive'] as const;
const AGENT_TYPES = ['coordinator', 'analyst', 'optimizer', 'documenter', 'monitor', 'specialist', 'architect', 'task-orchestrator',
  'code-analyzer', 'perf-analyzer', 'api-docs', 'performance-benchmarker', 'system-architect', 'researcher', 'coder', 'tester', 'reviewer'] as const;
const TASK_STRATEGIES = ['parallel', 'sequential', 'adaptive', 'balanced'] as const;
const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;

// How people say a task strategy.
const STRATEGY_WORDS: Record<(typeof TASK_STRATEGIES)[number], readonly string[]> = {
  parallel: ['in parallel', 'with a parallel strategy', 'all at once (parallel)', 'parallel', 'using the parallel strategy'],
  sequential: ['sequentially', 'one step at a time (sequential)', 'with a sequential strategy', 'sequential', 'using the sequential strategy'],
  adaptive: ['adaptively', 'with an adaptive strategy', 'adaptive', 'using the adaptive strategy'],
  balanced: ['balanced', 'with a balanced strategy', 'with the balanced strategy', 'using the balanced strategy'],
};

const swarm: Intent = (rng) => {
  const topology = pick(TOPOLOGIES, rng);
  const max = chance(0.55, rng) ? between(2, 20, rng) : undefined;
  const strategy = chance(0.5, rng) ? pick(SWARM_STRATEGIES, rng) : undefined;
  const agents = max === undefined ? '' : pick([` with ${max} agents`, ` of up to ${max} agents`, `, max ${max} agents`, `, ${max} agents tops`], rng);
  const strat = strategy === undefined ? '' : pick([`, ${strategy} strategy`, ` using the ${strategy} strategy`, ` (strategy: ${strategy})`, `, ${strategy}`], rng);
  const query = phrase(rng, [
    (t: string, o: string) => `initialize a ${t} swarm${o}`, (t, o) => `start a swarm with ${t} topology${o}`,
    (t, o) => `spin up a swarm in a ${t} topology${o}`, (t, o) => `set up a ${t}-topology swarm${o}`, (t, o) => `i want a ${t} swarm${o}`,
    (t, o) => `create a swarm, ${t} layout${o}`, (t, o) => `new ${t} swarm${o} pls`, (t, o) => `swarm: ${t}${o}`,
  ], topology, options([agents, strat], rng));
  return { query, reply: `I'll initialize a ${topology} swarm.`, calls: [call('swarm_init', { topology, maxAgents: max, strategy })], difficulty: max && strategy ? 'hard' : 'easy' };
};

const spawn: Intent = (rng) => {
  const type = pick(AGENT_TYPES, rng);
  const name = chance(0.35, rng) ? agentName(rng) : undefined;
  const caps = chance(0.25, rng) ? capabilities(rng) : undefined;
  const sid = chance(0.25, rng) ? swarmId(rng) : undefined;
  const article = /^[aeiou]/.test(type) ? 'an' : 'a';
  const parts = options([
    name === undefined ? '' : pick([` named ${name}`, ` called ${name}`, ` (name: ${name})`, `, name it ${name}`], rng),
    caps === undefined ? '' : pick([` with capabilities ${listWords(caps)}`, ` that can do ${listWords(caps)}`, `, capabilities: ${caps.join(', ')}`,
      ` with ${listWords(caps)} capabilities`, `, skills ${listWords(caps)}`], rng),
    sid === undefined ? '' : pick([` in swarm ${sid}`, ` to swarm ${sid}`, ` for swarm ${sid}`, `, swarm ${sid}`], rng),
  ], rng);
  const query = phrase(rng, [
    (t: string, p: string) => `spawn ${article} ${t} agent${p}`, (t, p) => `add ${article} ${t}${p}`, (t, p) => `create ${article} ${t} agent${p}`,
    (t, p) => `bring up ${article} ${t}${p}`, (t, p) => `i need ${article} ${t} agent${p}`, (t, p) => `start ${article} ${t}${p}`,
    (t, p) => `get me ${article} ${t}${p}`,
  ], type, parts);
  return { query, reply: `I'll spawn ${article} ${type} agent.`, calls: [call('agent_spawn', { type, name, capabilities: caps, swarmId: sid })], difficulty: parts ? 'medium' : 'easy' };
};

const orchestrate: Intent = (rng) => {
  const task = taskText(rng);
  const strategy = chance(0.45, rng) ? pick(TASK_STRATEGIES, rng) : undefined;
  const priority = chance(0.45, rng) ? pick(PRIORITIES, rng) : undefined;
  const deps = chance(0.2, rng) ? taskIds(rng) : undefined;
  const q = quote(task, rng);
  const parts = options([
    priority === undefined ? '' : pick([` with ${priority} priority`, `, priority ${priority}`, ` as a ${priority} priority task`, `, ${priority} priority`], rng),
    strategy === undefined ? '' : pick([' ', ', '], rng) + pick(STRATEGY_WORDS[strategy], rng),
    deps === undefined ? '' : pick([` after ${listWords(deps)}`, `, depends on ${listWords(deps)}`, ` once ${listWords(deps)} ${deps.length > 1 ? 'are' : 'is'} done`,
      `, blocked by ${listWords(deps)}`], rng),
  ], rng);
  const query = phrase(rng, [
    (t: string, p: string) => `orchestrate ${t}${p}`, (t, p) => `coordinate the task ${t}${p}`, (t, p) => `set up a task to ${t.replace(/^['"`]|['"`]$/g, '')}${p}`,
    (t, p) => `have the swarm handle ${t}${p}`, (t, p) => `plan and run ${t}${p}`, (t, p) => `queue up ${t}${p}`,
  ], q, parts);
  return {
    query, reply: `I'll orchestrate the task.`,
    calls: [call('task_orchestrate', { task, strategy, priority, dependencies: deps })], difficulty: parts ? 'medium' : 'easy',
  };
};

const memory: Intent = (rng) => {
  const key = memoryKey(rng);
  const r = rng();
  const ns = chance(0.3, rng) ? namespaceName(rng) : undefined;
  const inNs = ns === undefined ? '' : pick([` in namespace ${ns}`, ` (namespace ${ns})`, ` in the ${ns} namespace`], rng);
  if (r < 0.35) {
    const value = memoryValue(rng);
    const ttl = chance(0.3, rng) ? pick([60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800], rng) : undefined;
    const t = ttl === undefined ? '' : ttlWords(ttl, rng);
    const v = quote(value, rng);
    const query = phrase(rng, [
      (k: string, x: string, e: string) => `store ${x} under ${k}${e}`, (k, x, e) => `remember ${x} as ${k}${e}`, (k, x, e) => `save ${x} to memory at ${k}${e}`,
      (k, x, e) => `put ${x} in memory, key ${k}${e}`, (k, x, e) => `set ${k} to ${x} in memory${e}`, (k, x, e) => `keep ${x} under the key ${k}${e}`,
      (k, x, e) => `remember that ${k} is ${x}${e}`, (k, x, e) => `memory: ${k} = ${x}${e}`,
    ], key, v, options([inNs, t], rng));
    return { query, reply: `I'll store ${key}.`, calls: [call('memory_usage', { action: 'store', key, value, namespace: ns, ttl })], difficulty: 'medium' };
  }
  if (r < 0.6) {
    const query = phrase(rng, [
      (k: string, n: string) => `what's stored under ${k}${n}?`, (k, n) => `retrieve ${k} from memory${n}`, (k, n) => `look up ${k} in memory${n}`,
      (k, n) => `what did we save as ${k}${n}`, (k, n) => `get the ${k} value${n}`, (k, n) => `recall ${k}${n}`,
    ], key, inNs);
    return { query, reply: `I'll retrieve ${key}.`, calls: [call('memory_usage', { action: 'retrieve', key, namespace: ns })], difficulty: 'easy' };
  }
  if (r < 0.75) {
    const query = phrase(rng, [
      (k: string, n: string) => `delete ${k} from memory${n}`, (k, n) => `forget ${k}${n}`, (k, n) => `remove the memory key ${k}${n}`, (k, n) => `clear ${k}${n}`,
    ], key, inNs);
    return { query, reply: `I'll delete ${key}.`, calls: [call('memory_usage', { action: 'delete', key, namespace: ns })], difficulty: 'easy' };
  }
  if (r < 0.9) {
    const pattern = `${key.split('/')[0] ?? 'x'}/*`;
    const query = phrase(rng, [
      (k: string, n: string) => `search memory for ${k}${n}`, (k, n) => `find memory keys like ${k}${n}`, (k, n) => `which keys match ${k}${n}?`,
    ], pattern, inNs);
    return { query, reply: `I'll search memory for ${pattern}.`, calls: [call('memory_usage', { action: 'search', key: pattern, namespace: ns })], difficulty: 'medium' };
  }
  const space = ns ?? namespaceName(rng);
  const query = pick([`list everything in the ${space} namespace`, `what's in memory under ${space}?`, `show all memory keys in ${space}`,
    `list the memory namespace ${space}`, `what do we have stored in ${space}`], rng);
  return { query, reply: `I'll list the ${space} namespace.`, calls: [call('memory_usage', { action: 'list', namespace: space })], difficulty: 'easy' };
};

// The claude-flow intents with their weights and categories.
export const FLOW_INTENTS: readonly [Intent, number, string][] = [
  [swarm, 3, 'claude-flow'], [spawn, 4, 'claude-flow'], [orchestrate, 3, 'claude-flow'], [memory, 4, 'claude-flow'],
];
