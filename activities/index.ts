// Every TypeScript activity, as worker.ts registers them: one module per stage.
export { prepareRun } from './spec';
export { generateDataset } from './dataset';
export { scorePredictions } from './score';
export { prepareHoldout } from './holdout';
export { growDataset } from './grow-dataset';
export { writeReport } from './report';
export { validateQuantized } from './validate-quantized';
export { benchmarkEngine } from './benchmark';
export { lookupStage, recordStageOutput } from './stage-cache';
