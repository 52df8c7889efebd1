/** Root jest project: plan, pricing, cost model and (later) CDK template tests. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type checking runs once in `npm run typecheck`; jest only transpiles.
    '^.+\\.tsx?$': ['ts-jest', { isolatedModules: true }],
  },
};
