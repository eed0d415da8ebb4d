/** The CodeDeploy stand-in: see server.ts for the entry point and docs/testing.md for what it emulates. */
export * from './deployment-configs';
export * from './state-machine';
export * from './requests';
export * from './views';
export * from './api';
export * from './server';
export * from './green-app';
export * from './hook-invokers';
