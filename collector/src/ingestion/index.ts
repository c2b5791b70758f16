// Public surface of the ingestion pipeline (used by the collector, the worker entry, tests and
// benchmarks).
export { createSink, kafkaClient, type SinkConfig } from './create-sink.ts';
export { createGroupCommitSink, type GroupCommitOptions, mergeBatches } from './group-commit.ts';
export { isPermanentDataError } from './insert-errors.ts';
export { decodeBatch, encodeBatch } from './kafka-messages.ts';
export { createKafkaSink } from './kafka-sink.ts';
export { type KafkaWorker, type KafkaWorkerOptions, startKafkaWorker } from './kafka-worker.ts';
export { type EventSink, SinkUnavailableError } from './sink.ts';
export { createIngestionWriter, type IngestionWriter, type WriteOutcome } from './writer.ts';
