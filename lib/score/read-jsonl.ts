// Reads JSON Lines files (cases, predictions), streaming, with errors that name file:line.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseToolDefinitions } from './parse-records';
import type { ToolDefinition } from './types';

// Reads one JSON value per non-blank line; `validate` may check and convert each (throwing on a bad record).
export async function readJsonl<T>(path: string, validate?: (v: unknown, line: number) => T): Promise<T[]> {
  const out: T[] = [];
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const raw of lines) {
    lineNo++;
    const text = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new Error(`${path}:${lineNo}: invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      out.push(validate ? validate(value, lineNo) : (value as T));
    } catch (err) {
      throw new Error(`${path}:${lineNo}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}

// Reads a tools.json file ([{name, description, inputSchema}]), with errors that name the file.
export async function readToolDefinitions(path: string): Promise<ToolDefinition[]> {
  const text = await readFile(path, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new Error(`${path}: invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return parseToolDefinitions(value);
  } catch (err) {
    throw new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
