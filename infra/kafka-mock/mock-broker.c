/*
 * A Kafka-protocol test broker for Tally's integration tests: librdkafka's built-in mock cluster
 * (rdkafka_mock.h), started as a process. It speaks the real wire protocol (produce with acks,
 * fetch, consumer groups, offset commits) but keeps everything in memory: a test peer for the
 * Kafka code path, never a production broker.
 *
 * usage: kafka-mock-broker BROKERS TOPIC:PARTITIONS [TOPIC:PARTITIONS ...]
 * Prints the bootstrap address as its first line, then runs until stdin closes or SIGTERM.
 */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop = 0;
static void on_signal(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv) {
  char errstr[512];
  int brokers = argc > 1 ? atoi(argv[1]) : 1;
  if (brokers < 1) brokers = 1;
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!rk) { fprintf(stderr, "rd_kafka_new: %s\n", errstr); return 1; }
  rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(rk, brokers);
  if (!cluster) { fprintf(stderr, "could not create the mock cluster\n"); return 1; }
  for (int i = 2; i < argc; i++) {
    char name[256];
    int partitions = 1;
    const char *colon = strrchr(argv[i], ':');
    size_t len = colon ? (size_t)(colon - argv[i]) : strlen(argv[i]);
    if (len == 0 || len >= sizeof(name)) { fprintf(stderr, "bad topic %s\n", argv[i]); return 2; }
    memcpy(name, argv[i], len);
    name[len] = '\0';
    if (colon) partitions = atoi(colon + 1);
    if (partitions < 1) partitions = 1;
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster, name, partitions, brokers);
    if (err) { fprintf(stderr, "topic %s: %s\n", name, rd_kafka_err2str(err)); return 3; }
  }
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
  fflush(stdout);
  /* Stay up until told to stop or until the parent goes away (stdin closes). */
  char buf[64];
  while (!stop) {
    ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0 && !stop) usleep(100000);
  }
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(rk);
  return 0;
}
