const { availableParallelism, cpus } = require('node:os');

/**
 * Workers: two per core, at most 8. Most of the suite's time is spent waiting on child processes
 * (the release CLI, terraform, synths) and local servers, so a 2-core machine is busiest with more
 * workers than cores; measured on 2 cores: 1 worker (jest's default there) 159–170 s, 3 workers
 * 67–69 s, 4 workers 54 s, all green. `npx jest --maxWorkers=N` overrides it.
 */
const cores = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  maxWorkers: Math.min(8, Math.max(2, 2 * cores)),
  // Longest files first, also on a fresh clone with no recorded durations (files marked @long-running).
  testSequencer: '<rootDir>/test-support/test-sequencer.js',
  // A bound, not a speed check (speed is proven by npm run bench): synthesizing stacks, starting local
  // servers and running the AWS CLI (3.5 s per start at load 20) take seconds each, and a worker gets
  // half a core. At 30 s, tests of five or six AWS CLI runs timed out on the loaded build machine.
  testTimeout: 60000,
  // Creation stacks (cdktf's trace of every token) left empty, errors' traces as jest formats them.
  setupFiles: ['<rootDir>/test-support/jest-setup.ts'],
  // jest's runtime with a V8 code cache for the modules each test file compiles again.
  runtime: '<rootDir>/test-support/code-cache-runtime.js',
};
