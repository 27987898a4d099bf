import type { CollectorDefinition } from '../types.js';

/** The linux rows of the collector registry. */
export const LINUX_COLLECTORS: CollectorDefinition[] = [];
