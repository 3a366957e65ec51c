export { DEFAULT_MAX_BYTES, createFileStore, type FileStoreOptions } from './file-store.js';
