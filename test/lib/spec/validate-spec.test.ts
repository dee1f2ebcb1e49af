// Schema validation fills every default and places each problem on its line; semantic checks catch what a schema cannot.
import { describe, expect, it } from 'vitest';
import { parseSpecYaml, type ParsedYaml } from '../../../lib/spec/parse-yaml';
import type { SpecProblem } from '../../../lib/spec/problems';
import type { ExperimentSpec } from '../../../lib/spec/spec-types';
import { validateParsedSpec } from '../../../lib/spec/validate-spec';

const MINIMAL = 'name: minimal\nmodel:\n  model_name: microsoft/phi-4\n';

function parse(text: string): ParsedYaml {
  const result = parseSpecYaml(text);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('; '));
  return result.parsed;
}

function valid(text: string): ExperimentSpec {
  const result = validateParsedSpec(parse(text));
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  return result.spec;
}

function problems(text: string): SpecProblem[] {
  const result = validateParsedSpec(parse(text));
  if (result.ok) throw new Error('expected an invalid spec');
  return result.problems;
}

describe('defaults', () => {
  it('fill a minimal spec with the guide\'s values', () => {
    const spec = valid(MINIMAL);
    expect(spec.seed).toBe(42);
    expect(spec.artifacts_subdir).toBe('');
    expect(spec.model).toMatchObject({ source: 'hub', revision: null, load_in_4bit: false, torch_dtype: 'auto', gguf_file: null });
    expect(spec.training).toMatchObject({ learning_rate: 5e-5, num_train_epochs: 5, per_device_train_batch_size: 4, gradient_accumulation_steps: 4, max_seq_length: 1024, weight_decay: 0.01 });
    expect(spec.lora).toEqual({ lora_r: 32, lora_alpha: 64, lora_dropout: 0.05, lora_target_modules: ['all-linear'], modules_to_save: [], lora_last_layers: null });
    expect(spec.dataset).toMatchObject({ validation_split: 0.2, target_size: 80, tool_files: [], example_files: [] });
    expect(spec.evaluation.thresholds).toEqual({ tool_accuracy: 0.95, param_accuracy: 0.98, tool_detection: 0.97 });
    expect(spec.remediation.below_threshold).toEqual([{ num_train_epochs: 10 }, { lora_r: 64, lora_alpha: 128 }, { learning_rate: 2e-5 }]);
    expect(spec.remediation.out_of_memory).toEqual({ max_retries: 2, min_batch_size: 1 });
    expect(spec.quantization).toEqual({
      enabled: false,
      exporter: 'auto',
      validate_constrained: true,
      validate_holdout_free: true,
      formats: [
        { format: 'int8', block_size: 32, accuracy_level: 4, symmetric: true, max_accuracy_drop: 0.01 },
        { format: 'int4', block_size: 32, accuracy_level: 4, symmetric: true, max_accuracy_drop: 0.03 },
      ],
      check: { prompts: 4, new_tokens: 32, max_logit_diff: 0.01, agreement_records: 32 },
    });
  });

  it('give every stage its retry and timeout profiles', () => {
    expect(valid(MINIMAL).stages).toEqual({
      dataset: { retry: 'quick', timeout: 'short' },
      preflight: { retry: 'standard', timeout: 'medium' },
      predict: { retry: 'standard', timeout: 'long' },
      score: { retry: 'quick', timeout: 'short' },
      finetune: { retry: 'patient', timeout: 'training' },
      report: { retry: 'quick', timeout: 'short' },
      merge: { retry: 'standard', timeout: 'long' },
      export: { retry: 'quick', timeout: 'long' },
      quantize: { retry: 'quick', timeout: 'long' },
      validate_quantized: { retry: 'quick', timeout: 'long' },
      benchmark: { retry: 'quick', timeout: 'long' },
    });
  });

  it('fill inside list items and keep what the spec says', () => {
    const spec = valid(`${MINIMAL}training: { learning_rate: 1.0e-4 }\nquantization:\n  formats: [{ format: int8 }]\n`);
    expect(spec.training.learning_rate).toBe(1e-4);
    expect(spec.training.num_train_epochs).toBe(5);
    expect(spec.quantization.formats).toEqual([{ format: 'int8', max_accuracy_drop: 0.03, block_size: 32, accuracy_level: 4, symmetric: true }]);
  });

  it('are fresh copies: changing one spec\'s defaults does not leak into the next', () => {
    const first = valid(MINIMAL);
    first.remediation.below_threshold[0]!.num_train_epochs = 99;
    first.lora.lora_target_modules.push('o_proj');
    first.evaluation.thresholds.tool_accuracy = 0;
    const second = valid(MINIMAL);
    expect(second.remediation.below_threshold[0]).toEqual({ num_train_epochs: 10 });
    expect(second.lora.lora_target_modules).toEqual(['all-linear']);
    expect(second.evaluation.thresholds.tool_accuracy).toBe(0.95);
  });

  it('leave the parsed value untouched', () => {
    const parsed = parse(MINIMAL);
    validateParsedSpec(parsed);
    expect(parsed.value).toEqual({ name: 'minimal', model: { model_name: 'microsoft/phi-4' } });
  });
});

describe('schema problems', () => {
  it('are all reported, each at its line with an excerpt', () => {
    const found = problems(`name: Bad Name\nmodel:\n  model_name: m\n  source: huggingface\nlora:\n  lora_rank: 8\n`);
    expect(found.map((p) => `${p.path} @ ${p.line}:${p.column}`).sort()).toEqual(['lora.lora_rank @ 6:3', 'model.source @ 4:11', 'name @ 1:7']);
    for (const p of found) expect(p.excerpt).toContain(`${p.line} | `);
  });

  it('say what is wrong in words', () => {
    const byPath = Object.fromEntries(problems(`name: a\nmodel:\n  source: huggingface\nlora:\n  lora_rank: 8\n`).map((p) => [p.path, p.message]));
    expect(byPath['model']).toBe("missing required key 'model_name'");
    expect(byPath['model.source']).toBe('must be one of: "hub", "tiny", "gguf"');
    expect(byPath['lora.lora_rank']).toBe("unknown key 'lora_rank'");
  });

  it('report a bad profile name once, naming it', () => {
    const found = problems(`${MINIMAL}timeout_profiles:\n  Slow: { start_to_close: 5m }\n`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: 'timeout_profiles.Slow', line: 5, column: 3 });
    expect(found[0]?.message).toContain("'Slow'");
  });

  it('place a missing required key at the key that owns the mapping', () => {
    const found = problems('name: a\nmodel:\n  # the id goes here\n\n  source: hub\n');
    expect(found).toEqual([expect.objectContaining({ path: 'model', line: 2, column: 1 })]);
  });
});

describe('semantic checks', () => {
  it('accept custom profiles a stage names', () => {
    const spec = valid(`${MINIMAL}retry_profiles:\n  flaky: { maximum_attempts: 7 }\ntimeout_profiles:\n  gpu: { start_to_close: 2h, heartbeat: 1m }\nstages:\n  finetune: { retry: flaky, timeout: gpu }\n`);
    expect(spec.stages.finetune).toEqual({ retry: 'flaky', timeout: 'gpu' });
  });

  it('refuse a profile name that is only an Object.prototype property', () => {
    const found = problems(`${MINIMAL}stages:\n  dataset: { retry: constructor, timeout: constructor }\n`);
    expect(found.map((p) => p.path).sort()).toEqual(['stages.dataset.retry', 'stages.dataset.timeout']);
  });

  it('check the tiny shape only for tiny models', () => {
    const shape = 'model:\n  model_name: m\n  source: SOURCE\n  tiny: { hidden_size: 100, num_attention_heads: 3 }\n';
    expect(problems(`name: a\n${shape.replace('SOURCE', 'tiny')}`)[0]).toMatchObject({ path: 'model.tiny.num_attention_heads', line: 5 });
    expect(() => valid(`name: a\n${shape.replace('SOURCE', 'hub')}`)).not.toThrow();
  });

  it('accept gguf_file with source gguf and refuse it with tiny', () => {
    expect(valid('name: a\nmodel: { model_name: g, source: gguf, gguf_file: m.gguf }\n').model.gguf_file).toBe('m.gguf');
    expect(problems('name: a\nmodel: { model_name: g, source: tiny, gguf_file: m.gguf }\n')[0]?.path).toBe('model.gguf_file');
  });

  it('accept all-linear alone and distinct formats', () => {
    const spec = valid(`${MINIMAL}lora: { lora_target_modules: [all-linear] }\nquantization: { formats: [{ format: int8 }, { format: int4 }] }\n`);
    expect(spec.quantization.formats.map((f) => f.format)).toEqual(['int8', 'int4']);
  });

  it('refuse an unknown quantization format or block size by key path', () => {
    const found = problems(`${MINIMAL}quantization: { enabled: true, formats: [{ format: int2 }, { format: int4, block_size: 48 }, { format: int8, accuracy_level: 5 }] }\n`);
    expect(found.map((p) => p.path).sort()).toEqual(['quantization.formats[0].format', 'quantization.formats[1].block_size', 'quantization.formats[2].accuracy_level']);
  });

  it('refuse a block size the tiny model\'s sizes do not allow (other models: after preflight)', () => {
    const tiny = 'name: a\nmodel: { model_name: m, source: tiny, tiny: { hidden_size: 128, intermediate_size: 256 } }\n';
    const found = problems(`${tiny}quantization: { enabled: true, formats: [{ format: int8 }, { format: int4, block_size: 256 }] }\n`);
    expect(found.map((p) => p.path)).toEqual(['quantization.formats[1].block_size']);
    expect(found[0]?.message).toContain('does not divide');
    expect(() => valid(`${tiny}quantization: { enabled: true, formats: [{ format: int4, block_size: 128 }] }\n`)).not.toThrow();
  });

  it('report every semantic problem at once, each on its line', () => {
    const text = [
      'name: a',
      'model: { model_name: m, source: tiny, tiny: { hidden_size: 64, num_attention_heads: 5 } }',
      'lora: { lora_target_modules: [all-linear, o_proj] }',
      'quantization: { formats: [{ format: int8 }, { format: int8 }] }',
      'stages: { score: { retry: never } }',
      '',
    ].join('\n');
    expect(problems(text).map((p) => `${p.path} @ ${p.line}`).sort()).toEqual([
      'lora.lora_target_modules @ 3',
      'model.tiny.num_attention_heads @ 2',
      'quantization.formats[1].format @ 4',
      'stages.score.retry @ 5',
    ]);
  });

  it('run only once the schema passes (they rely on filled defaults)', () => {
    const found = problems('name: a\nmodel: { model_name: m, source: tiny, tiny: { hidden_size: 100, num_attention_heads: 3 } }\nseed: -1\n');
    expect(found.map((p) => p.path)).toEqual(['seed']);
  });
});
