// A Kafka-protocol test broker (librdkafka's mock cluster) for tests and benchmarks.
export { type KafkaMock, type KafkaMockOptions, startKafkaMock } from './start-kafka-mock.ts';
