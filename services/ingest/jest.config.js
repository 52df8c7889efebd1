/** Unit tests: fast, no Kafka; hostile-input tests run against an in-process server with the JSONL sink. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/integration/'],
  transform: { '^.+\\.tsx?$': 'ts-jest' },
};
