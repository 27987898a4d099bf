import type { CollectorDefinition } from '../types.js';

/** The common rows of the collector registry. */
export const COMMON_COLLECTORS: CollectorDefinition[] = [];
