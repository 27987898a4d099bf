import type { CollectorDefinition } from '../types.js';

/** The darwin rows of the collector registry. */
export const DARWIN_COLLECTORS: CollectorDefinition[] = [];
