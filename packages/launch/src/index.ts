export * from './ports.js';
export * from './process.js';
export * from './prometheus.js';
export * from './signalbox.js';
export * from './wait.js';
