/** The ECS stand-in: see server.ts for the entry point and docs/testing.md for what it emulates. */
export * from './state';
export * from './simulation';
export * from './views';
export * from './api';
export * from './server';
