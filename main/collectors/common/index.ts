import type { CollectorDefinition } from '../types.js';
import { createOllamaCollector } from './ollama.js';

/** The common rows of the collector registry. */
export const COMMON_COLLECTORS: CollectorDefinition[] = [
  {
    id: 'ollama',
    platforms: ['darwin', 'linux'],
    tier: 'fast',
    provides: ['ollama'],
    defaultEnabled: true,
    description:
      'Models Ollama keeps loaded (GET /api/ps, 1 s timeout); absent when Ollama is not running (a refused connection is asked again after 30 s)',
    create: (env) => createOllamaCollector(env),
  },
];
