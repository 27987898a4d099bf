import type { ParserEntry } from '../../cli/parsers.js';
import { parseNvidiaSmi } from './nvidia-smi.js';
import { parseOllamaPs } from './ollama.js';

/** Cross-platform `idlewatt parse` kinds (nvidia-smi, Ollama). */
export const COMMON_PARSERS: ParserEntry[] = [
  {
    kind: 'nvidia-smi',
    description: 'nvidia-smi -q -x (XML), or --query-gpu=… --format=csv output',
    parse: (text) => parseNvidiaSmi(text),
  },
  {
    kind: 'ollama-ps',
    description: "Ollama's GET /api/ps JSON (loaded models)",
    parse: (text) => parseOllamaPs(text),
  },
];
