// The variant plan and the block-size check the workflow runs after preflight.
import { describe, expect, it } from 'vitest';
import { parseAndValidate } from '../../../lib/spec/load-spec';
import { blockSizeProblems, planVariants } from '../../../lib/spec/quantization';

function quantization(yaml: string) {
  return parseAndValidate(`name: q\nmodel: { model_name: m }\nquantization: ${yaml}\n`, 'q.yaml').spec.quantization;
}

describe('planVariants', () => {
  it('builds fp32 first even when unlisted, then the int formats in spec order', () => {
    const plan = planVariants(quantization('{ enabled: true, formats: [{ format: int4, block_size: 64, accuracy_level: 1 }, { format: int8, symmetric: false }] }'));
    expect(plan.reference).toMatchObject({ index: null, settings: { precision: 'fp32' }, max_accuracy_drop: null });
    expect(plan.quantized.map((v) => [v.index, v.settings])).toEqual([
      [0, { precision: 'int4', block_size: 64, accuracy_level: 1, symmetric: true }],
      [1, { precision: 'int8', block_size: 32, accuracy_level: 4, symmetric: false }],
    ]);
  });

  it('keeps a listed fp32 as the reference, not as a quantized variant', () => {
    const plan = planVariants(quantization('{ enabled: true, formats: [{ format: fp32, max_accuracy_drop: 0 }, { format: int4 }] }'));
    expect(plan.reference).toMatchObject({ index: 0, max_accuracy_drop: 0 });
    expect(plan.quantized.map((v) => v.settings.precision)).toEqual(['int4']);
  });
});

describe('blockSizeProblems', () => {
  const q = quantization('{ enabled: true, formats: [{ format: int8, block_size: 128 }, { format: int4, block_size: 256 }] }');

  it('names each block size that does not divide a matmul input size (Gemma 3 270M: 640, 1024, 2048)', () => {
    const found = blockSizeProblems(q, [640, 1024, 2048]);
    expect(found.map((p) => p.path)).toEqual(['quantization.formats[1].block_size']);
    expect(found[0]?.message).toContain('640');
  });

  it('passes sizes every block divides, and says nothing when quantization is off or sizes are unknown', () => {
    expect(blockSizeProblems(q, [1024, 2048])).toEqual([]);
    expect(blockSizeProblems({ ...q, enabled: false }, [640])).toEqual([]);
    expect(blockSizeProblems(q, [])).toEqual([]);
  });
});
