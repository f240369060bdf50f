export * from './synced';
export * from './central';
