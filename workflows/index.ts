// The workflows worker.ts registers (the bundle's entry point).
export { tooltuneExperiment } from './experiment';
