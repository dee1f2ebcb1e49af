// The tool-call syntax inside `<tool_use>…</tool_use>` blocks: one module to import for rendering
// (dataset generation) and parsing (scoring). Python call syntax with keyword arguments and literals.
export type { JsonValue, ToolCall } from './types';
export { LIMITS, PYTHON_KEYWORDS, isIdentifier } from './types';
export { renderToolCall, renderToolUse, renderPythonString } from './render';
export { parseToolCall, parseToolUse, type ParseCallResult, type ParsedToolUse } from './parse';
