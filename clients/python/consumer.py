"""The tutorial's consumer, kept to show that kafkastack's records are
readable by the plain Python Kafka client (kafka-python, no codec extras).

Usage: python3 clients/python/consumer.py [TOPIC]
KAFKA_BROKERS overrides the bootstrap servers. It stops after 5 s without a
record and prints each record as kafka-python does.
"""
import os
import sys

from kafka import KafkaConsumer

topic = sys.argv[1] if len(sys.argv) > 1 else "my-topic-three"
brokers = os.environ.get("KAFKA_BROKERS", "127.0.0.1:9091,127.0.0.1:9092,127.0.0.1:9093").split(",")

consumer = KafkaConsumer(
    topic,
    bootstrap_servers=brokers,
    auto_offset_reset="earliest",
    enable_auto_commit=False,
    consumer_timeout_ms=5000,
)
n = 0
for record in consumer:
    print(record)
    n += 1
consumer.close()
print(f"{n} records", file=sys.stderr)
