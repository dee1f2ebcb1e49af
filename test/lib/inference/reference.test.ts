// Equal to the reference: the fp32 ONNX model in the TypeScript engine gives PyTorch's greedy tokens, the INT4 one
// onnxruntime-genai's, and the engine builds predict.py's prompts byte for byte (text format, the tiny model's chat
// template and three real-world templates).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPromptBuilder, loadEngine, type Engine } from '../../../lib/inference';
import { PROJECT_ROOT } from '../../../lib/local/project';
import { onnxFixture, PYTHON, removeScratchDirs, scratchDir, type OnnxFixture } from '../../helpers/onnx-fixture';

const REFERENCE = path.join(PROJECT_ROOT, 'python-activities', 'tests', 'onnx_reference.py');

interface Generation {
  prompt: string;
  prompt_ids: number[];
  ids: number[];
  text: string;
}
interface Reference {
  runs: Generation[][];
  prompts: string[][];
  genai: number[][][];
}

// Runs onnx_reference.py (PyTorch generate) on the fixture's HF model.
async function reference(fx: OnnxFixture, request: Record<string, unknown>): Promise<Reference> {
  const file = path.join(scratchDir('tt-ref-'), 'request.json');
  writeFileSync(file, JSON.stringify(request));
  const run = await execa(PYTHON, [REFERENCE, fx.hfDir, file], { reject: false, timeout: 120_000 });
  if (run.exitCode !== 0) throw new Error(`onnx_reference.py failed: ${run.stderr.slice(-3000)}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as Reference;
}

const CHATML = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";
const GEMMA_LIKE = "{{ bos_token }}\n{%- for message in messages -%}\n{%- if message['role'] == 'assistant' -%}{%- set role = 'model' -%}{%- else -%}{%- set role = message['role'] -%}{%- endif -%}\n{{ '<start_of_turn>' + role + '\n' + (message['content'] | trim) + '<end_of_turn>\n' }}\n{%- endfor -%}\n{%- if add_generation_prompt -%}\n{{'<start_of_turn>model\n'}}\n{%- endif -%}\n";
// Block tags on their own indented lines: transformers renders with trim_blocks and lstrip_blocks.
const BLOCKS = "{% for m in messages %}\n    {% if m.role == 'user' %}\n<user>{{ m.content | tojson }}</user> {{ eos_token }}\n    {% endif %}\n{% endfor %}\n{% if add_generation_prompt %}\n<assistant>\n{% endif %}";

describe('fp32 ONNX in the TypeScript engine equals PyTorch', () => {
  let fx: OnnxFixture;
  let engine: Engine;
  let cases: { id: string; query: string; prompt: string }[];
  let ref: Reference;
  const templates = [CHATML, GEMMA_LIKE, BLOCKS];

  beforeAll(async () => {
    fx = await onnxFixture();
    engine = await loadEngine(fx.fp32, { threads: 1 });
    const lines = readFileSync(fx.data.cases, 'utf8').trim().split('\n').slice(0, 6);
    cases = [
      ...lines.map((l) => JSON.parse(l) as { id: string; query: string; prompt: string }),
      { id: 'unicode', query: 'Lies «größe».txt — ünd “quotes” \\ back', prompt: '' },
    ];
    // One PyTorch process for every comparison below (loading torch costs seconds).
    ref = await reference(fx, {
      runs: [
        { cases, record_format: 'text', max_new_tokens: 48, stop_after_tool_use: true },
        { cases: cases.slice(0, 3), record_format: 'chat', max_new_tokens: 64, stop_after_tool_use: false },
      ],
      templates,
      template_cases: cases,
      genai_runs: [{ dir: fx.int4, cases, record_format: 'text', max_new_tokens: 32 }],
    });
  }, 240_000);
  afterAll(async () => {
    await engine?.close();
    removeScratchDirs();
  });

  it('text format: same prompt, prompt ids, greedy tokens and text, with the stop rule', async () => {
    expect(ref.runs[0]).toHaveLength(cases.length);
    for (const [i, c] of cases.entries()) {
      const want = ref.runs[0]![i]!;
      const got = await engine.generateCase(c, { maxNewTokens: 48 });
      expect(got.prompt).toBe(want.prompt);
      expect(got.promptTokens).toBe(want.prompt_ids.length);
      expect({ id: c.id, ids: got.tokenIds, text: got.text }).toEqual({ id: c.id, ids: want.ids, text: want.text });
    }
  });

  it('chat format without the stop rule: long greedy runs stay equal', async () => {
    const want = ref.runs[1]!;
    const chat = await loadEngine(fx.fp32, { threads: 1, recordFormat: 'chat' });
    try {
      for (const [i, c] of cases.slice(0, 3).entries()) {
        const got = await chat.generateCase(c, { maxNewTokens: 64, stopAfterToolUse: false });
        expect(got.prompt).toBe(want[i]!.prompt);
        expect(got.tokenIds).toEqual(want[i]!.ids);
        expect(got.text).toBe(want[i]!.text);
      }
    } finally {
      await chat.close();
    }
  });

  it('INT4 in the TypeScript engine gives the greedy tokens of onnxruntime-genai on the same files', async () => {
    const int4 = await loadEngine(fx.int4, { threads: 1 });
    try {
      for (const [i, c] of cases.entries()) {
        const got = await int4.generateCase(c, { maxNewTokens: 32, stopAfterToolUse: false });
        // onnxruntime-genai's sequence leaves out the eos that ended it.
        const ids = got.stopReason === 'eos' ? got.tokenIds.slice(0, -1) : got.tokenIds;
        expect({ id: c.id, ids }).toEqual({ id: c.id, ids: ref.genai[0]![i] });
      }
    } finally {
      await int4.close();
    }
  });

  it('chat templates render as transformers renders them', () => {
    templates.forEach((template, t) => {
      const builder = createPromptBuilder({ format: 'chat', chatTemplate: template, specialTokens: engine.files.specialTokens });
      expect(cases.map((c) => builder.forCase(c))).toEqual(ref.prompts[t]);
    });
  });
});
