export { openHistoryStore } from './history-store.js';
export { historyNotices } from './store-health.js';
export type { HistoryHealth, HistoryStore, HistoryStoreOptions } from './history-store.js';
export { memoryStoreFs, nodeStoreFs, type StoreFs } from './store-fs.js';
export { decodeSample, encodeSample } from './record-codec.js';
