/** Integration tests: a real Kafka broker on 127.0.0.1:9092 (started by scripts/kafka/start.sh if absent). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/integration'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': 'ts-jest' },
  testTimeout: 180000,
};
