// fake-indexeddb ships types for this entry point, but its package "exports" hide them from
// TypeScript's bundler resolution; the module only installs IndexedDB's globals.
declare module 'fake-indexeddb/auto';
