// The one error type of the inference engine: says which file or setting is wrong, never a native crash.

// Raised for a variant folder that cannot be used (missing, corrupt or mismatched files) or bad options.
export class InferenceError extends Error {
  constructor(message: string, readonly file?: string) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'InferenceError';
  }
}
