"""The tutorial's producer: sends b'Hello World!' to my-topic-three through
the three bootstrap servers. KAFKA_BROKERS overrides them."""
import os

from kafka import KafkaProducer

brokers = os.environ.get("KAFKA_BROKERS", "127.0.0.1:9091,127.0.0.1:9092,127.0.0.1:9093").split(",")
producer = KafkaProducer(bootstrap_servers=brokers, acks="all")
producer.send("my-topic-three", b"Hello World!").get(timeout=30)
producer.flush()
producer.close()
print("sent b'Hello World!' to my-topic-three")
