// Rephrases a request without changing what it asks for: other verbs and question forms for the
// same tool ("Read X" → "Show me X", "What's in X?"), and polite wrappers ("Could you read X?").

// A way to ask: the request is `prefix + object + suffix`. `short` frames only fit a short object
// ("What's in the package.json file?" reads well, "What's in the first 40 lines of ... ?" does not).
interface Frame {
  prefix: string;
  suffix: string;
  short?: boolean;
}

interface FrameGroup {
  tools: readonly string[];
  frames: readonly Frame[];
}

const f = (prefix: string, suffix = '', short = false): Frame => ({ prefix, suffix, short });

// Interchangeable frames, per tool of the first call; the first group whose frame matches is used.
const FRAME_GROUPS: readonly FrameGroup[] = [
  {
    tools: ['read'],
    frames: [
      f('Read '), f('Show me '), f('Display '), f('Open '), f('Print '), f('Pull up '), f('View '),
      f("What's in ", '?', true), f('What does ', ' contain?', true), f('Can I see ', '?', true),
    ],
  },
  { tools: ['write'], frames: [f('Create '), f('Make '), f('Add '), f('Generate '), f('Write ')] },
  { tools: ['write'], frames: [f('Save '), f('Write ')] },
  { tools: ['edit'], frames: [f('Replace '), f('Substitute ')] },
  { tools: ['edit'], frames: [f('Change '), f('Update ')] },
  { tools: ['edit'], frames: [f('Rename '), f('Change ')] },
  { tools: ['edit'], frames: [f('Fix '), f('Correct ')] },
  { tools: ['bash'], frames: [f('Run '), f('Execute '), f('Launch '), f('Kick off ')] },
  { tools: ['bash'], frames: [f('Check '), f('Find out '), f('Look up ')] },
  { tools: ['bash'], frames: [f('Install '), f('Set up ')] },
  { tools: ['grep'], frames: [f('Search for '), f('Find '), f('Look for '), f('Locate '), f('Grep for ')] },
  { tools: ['grep'], frames: [f('Search '), f('Scan '), f('Grep ')] },
  { tools: ['grep'], frames: [f('Count '), f('Tally up ')] },
  { tools: ['grep'], frames: [f('Show '), f('Display '), f('Print ')] },
  { tools: ['grep', 'glob'], frames: [f('Which ', '?'), f('What ', '?')] },
  { tools: ['glob'], frames: [f('Find '), f('List '), f('Show me '), f('Locate '), f('Get ')] },
  { tools: ['swarm_init'], frames: [f('Initialize '), f('Set up '), f('Spin up '), f('Start '), f('Create ')] },
  { tools: ['agent_spawn'], frames: [f('Spawn '), f('Create '), f('Launch '), f('Add ')] },
  { tools: ['task_orchestrate'], frames: [f('Orchestrate '), f('Coordinate '), f('Run ')] },
  { tools: ['memory_usage'], frames: [f('Store '), f('Save '), f('Put ')] },
  { tools: ['memory_usage'], frames: [f('List '), f('Show '), f('Show me ')] },
  { tools: ['memory_usage'], frames: [f('Delete '), f('Remove ')] },
];

// Wrappers around an imperative request; `{q}` is the request with a lower-case first letter.
const WRAPPERS: readonly string[] = [
  'Please {q}',
  'Can you {q}?',
  'Could you {q}?',
  '{Q}, please',
  'I need you to {q}',
  'Go ahead and {q}',
  'Hey, {q}',
  '{Q} for me',
  'Quick one: {q}',
];

// Verbs a wrapper may start with, besides those of the frames above.
const EXTRA_VERBS = new Set(['commit', 'install', 'delete', 'rename', 'spawn']);
const FRAME_VERBS = new Set(
  FRAME_GROUPS.flatMap((g) => g.frames.filter((fr) => fr.suffix === '').map((fr) => (fr.prefix.split(' ')[0] ?? '').toLowerCase())),
);

function isShort(object: string): boolean {
  return object.split(/\s+/).length <= 4;
}

function reframe(query: string, tool: string): string[] {
  for (const group of FRAME_GROUPS) {
    if (!group.tools.includes(tool)) continue;
    // The longest frame that fits wins: "Show me X" is the frame "Show me ", not "Show " with "me X".
    const frame = group.frames
      .filter((fr) => query.startsWith(fr.prefix) && query.endsWith(fr.suffix) && query.length > fr.prefix.length + fr.suffix.length)
      .sort((x, y) => y.prefix.length + y.suffix.length - (x.prefix.length + x.suffix.length))[0];
    if (frame === undefined) continue;
    const object = query.slice(frame.prefix.length, query.length - frame.suffix.length).replace(/[.?!]$/, '');
    return group.frames
      .filter((fr) => fr !== frame && (fr.short !== true || isShort(object)))
      .map((fr) => `${fr.prefix}${object}${fr.suffix}`);
  }
  return [];
}

function wrap(query: string): string[] {
  const first = (query.split(' ')[0] ?? '').toLowerCase();
  if (query.endsWith('?') || !(FRAME_VERBS.has(first) || EXTRA_VERBS.has(first)) || first === 'which' || first === 'what') {
    return [];
  }
  const bare = query.replace(/\.$/, '');
  const lower = bare.charAt(0).toLowerCase() + bare.slice(1);
  return WRAPPERS.map((w) => w.replace('{q}', lower).replace('{Q}', bare));
}

// Every rephrasing of the request (not the request itself), in a fixed order; `tool` is the first call's.
export function paraphraseQuery(query: string, tool: string): string[] {
  const framed = reframe(query, tool);
  const all = [...framed, ...[query, ...framed].flatMap((q) => wrap(q))];
  return [...new Set(all)].filter((q) => q !== query);
}
