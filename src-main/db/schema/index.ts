export * from './calendar';
export * from './org';
export * from './people';
export * from './accounts';
export * from './teaching';
export * from './control';
export * from './archive';
export * from './local';
