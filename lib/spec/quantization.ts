// The ONNX variants a spec asks for, with their builder settings, and the block-size check against a model.
// Pure code: the workflow, the spec validator and the tests use it.
import type { ExperimentSpec } from './spec-types';

export type OnnxPrecision = 'fp32' | 'int8' | 'int4';

// One variant to build: its precision, where it sits in quantization.formats (null: the implicit fp32), settings.
export interface PlannedVariant {
  index: number | null;
  settings: { precision: OnnxPrecision; block_size: number; accuracy_level: number; symmetric: boolean };
  max_accuracy_drop: number | null;
}

type Quantization = ExperimentSpec['quantization'];

// The fp32 reference (always built first) and then each int8/int4 format in spec order.
export function planVariants(q: Quantization): { reference: PlannedVariant; quantized: PlannedVariant[] } {
  const listed = q.formats.findIndex((f) => f.format === 'fp32');
  const reference: PlannedVariant = {
    index: listed >= 0 ? listed : null,
    settings: { precision: 'fp32', block_size: 32, accuracy_level: 4, symmetric: true },
    max_accuracy_drop: listed >= 0 ? q.formats[listed]!.max_accuracy_drop : null,
  };
  const quantized = q.formats.flatMap((f, index): PlannedVariant[] => f.format === 'fp32' ? [] : [{
    index,
    settings: { precision: f.format, block_size: f.block_size, accuracy_level: f.accuracy_level, symmetric: f.symmetric },
    max_accuracy_drop: f.max_accuracy_drop,
  }]);
  return { reference, quantized };
}

// Block sizes that do not divide every matmul input size of the model, named by key path.
export function blockSizeProblems(q: Quantization, matmulInputSizes: number[]): { path: string; segments: (string | number)[]; message: string }[] {
  if (!q.enabled || matmulInputSizes.length === 0) return [];
  return planVariants(q).quantized.flatMap((v) => {
    const bad = matmulInputSizes.filter((k) => k % v.settings.block_size !== 0);
    if (bad.length === 0) return [];
    const segments: (string | number)[] = ['quantization', 'formats', v.index ?? 0, 'block_size'];
    return [{
      path: `quantization.formats[${v.index}].block_size`,
      segments,
      message: `block_size ${v.settings.block_size} does not divide the model's matmul input size${bad.length > 1 ? 's' : ''} ${bad.join(', ')} (sizes: ${matmulInputSizes.join(', ')}); pick a power of two that divides them all`,
    }];
  });
}
