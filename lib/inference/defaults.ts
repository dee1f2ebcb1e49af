// Defaults shared by the engine and the stages that load it lazily (no onnxruntime import here).

// The rows of a batched call (generateMany) when none is given: the spec's evaluation.batch_size default.
export const DEFAULT_BATCH_SIZE = 8;
