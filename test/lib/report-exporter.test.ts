// report.md's exported-models table names the exporter of each file, the torch.onnx fallback's included.
import { describe, expect, it } from 'vitest';
import { renderArtifacts } from '../../activities/report';
import type { OnnxArtifact } from '../../workflows/export-stages';

const variant = (exporter: string, over: Partial<OnnxArtifact> = {}): OnnxArtifact => ({
  path: '/r/export/onnx/x', bytes: 1_000_000, ratio_to_fp32: 1, exporter, settings: { precision: 'fp32', block_size: 32, accuracy_level: 4, symmetric: true },
  tokens_equal: true, max_logit_diff: 1e-6, top1_agreement: null, agreement_positions: 0, check_prompts: 4, check_new_tokens: 32,
  max_accuracy_drop: null, wall_time_s: 1, reused: false, ...over,
});

describe('report.md exported models', () => {
  it('shows which exporter made each file, the torch.onnx fallback included', () => {
    const torch = 'torch.onnx.export (dynamo) torch 2.13.0';
    const lines = renderArtifacts({
      onnx: {
        fp32: variant(torch),
        int8: variant(`${torch} + onnxruntime 1.31.1 MatMulNBitsQuantizer 8-bit`, { settings: { precision: 'int8', block_size: 32, accuracy_level: 4, symmetric: true }, top1_agreement: 0.9, agreement_positions: 100 }),
        int4: variant(`${torch} + onnxruntime 1.31.1 MatMulNBitsQuantizer 4-bit`, { settings: { precision: 'int4', block_size: 64, accuracy_level: 4, symmetric: false }, top1_agreement: 0.8, agreement_positions: 100 }),
      },
    }).join('\n');
    expect(lines).toContain(`| ONNX fp32 | 1.0 MB | 1.000 | greedy tokens equal to PyTorch (4 prompts × 32), max logit diff 1.0e-6 | ${torch} |`);
    expect(lines).toMatch(/\| ONNX int8 \|.*top-1 agreement with fp32 90\.0 % \(100 positions\) \| torch\.onnx\.export \(dynamo\) torch 2\.13\.0 \+ onnxruntime 1\.31\.1 MatMulNBitsQuantizer 8-bit, block 32, accuracy level 4 \|/);
    expect(lines).toContain('MatMulNBitsQuantizer 4-bit, block 64, accuracy level 4, asymmetric |');
  });
});
