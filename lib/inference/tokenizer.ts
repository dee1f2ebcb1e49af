// Tokenizes with the npm `tokenizers` binding (Hugging Face's Rust tokenizers: the same ids as Python's).
import { Tokenizer } from 'tokenizers';
import { InferenceError } from './errors';
import type { VariantFiles } from './variant';

// Encode/decode with the variant's tokenizer.json, decoding as transformers' decode(skip_special_tokens=True) does.
export interface TextTokenizer {
  encode(text: string, addSpecialTokens: boolean): Promise<number[]>;
  decode(ids: readonly number[]): Promise<string>;
  /** Ids including added tokens (max id + 1). */
  size: number;
  /** False when no id's token text holds '>' (so their text cannot hold '</tool_use>'): the stop rule then skips
   *  the asynchronous decode. A token's raw vocabulary string holds '>' whenever its decoded text does (byte-level
   *  BPE maps the byte 0x3E to '>' itself, byte fallback spells it <0x3E>), so this never misses a stop. */
  mayHoldGt(ids: readonly number[]): boolean;
}

// Loads tokenizer.json and checks it against the model: every id must be a row of the logits, and the
// tokenizer's eos token must be one of the model's eos ids.
export function loadTokenizer(files: VariantFiles): TextTokenizer {
  let tok: Tokenizer;
  try {
    tok = Tokenizer.fromString(files.tokenizerJson);
  } catch (err) {
    throw new InferenceError(`not a tokenizer the tokenizers library can load (${(err as Error).message})`, files.tokenizerPath);
  }
  let size = 0;
  const vocab = Object.entries(tok.getVocab(true));
  for (const [, id] of vocab) size = Math.max(size, id + 1);
  const gt = new Uint8Array(size);
  for (const [token, id] of vocab) if (token.includes('>')) gt[id] = 1;
  const { vocabSize, eosTokenIds } = files.decoder;
  if (size > vocabSize) {
    throw new InferenceError(`has ${size} token ids but the model's logits have ${vocabSize} rows (genai_config.json model.vocab_size): the tokenizer belongs to another model`, files.tokenizerPath);
  }
  const eos = files.specialTokens.eos_token;
  if (eos !== undefined) {
    const id = tok.tokenToId(eos);
    if (id === null || !eosTokenIds.includes(id)) {
      throw new InferenceError(`eos token '${eos}' (tokenizer_config.json) is id ${id ?? 'missing'} in tokenizer.json, but the model stops at ${eosTokenIds.join(', ')} (genai_config.json): the tokenizer belongs to another model`, files.tokenizerPath);
    }
  }
  const cleanUp = files.cleanUpSpaces && !isBpe(files.tokenizerJson);
  return {
    size,
    mayHoldGt: (ids) => ids.some((id) => id >= size || gt[id] === 1),
    async encode(text, addSpecialTokens) {
      const enc = await tok.encode(text, null, { addSpecialTokens });
      return enc.getIds();
    },
    async decode(ids) {
      const text = await tok.decode([...ids], true);
      return cleanUp ? cleanUpTokenization(text) : text;
    },
  };
}

// transformers skips clean-up for BPE models (it would strip real spaces before punctuation).
function isBpe(tokenizerJson: string): boolean {
  try {
    return (JSON.parse(tokenizerJson) as { model?: { type?: string } }).model?.type === 'BPE';
  } catch {
    return false;
  }
}

// transformers' clean_up_tokenization: for WordPiece-style tokenizers whose config asks for it.
function cleanUpTokenization(text: string): string {
  return text
    .replaceAll(' .', '.').replaceAll(' ?', '?').replaceAll(' !', '!').replaceAll(' ,', ',')
    .replaceAll(" ' ", "'").replaceAll(" n't", "n't").replaceAll(" 'm", "'m").replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve").replaceAll(" 're", "'re");
}
