export { createFileStore, type FileStoreOptions } from './file-store.js';
