// Package native is the native runtime: the official Apache Kafka jars,
// resolved from Maven Central, running the compose file's topology as local
// JVM processes (ZooKeeper and brokers 1-3 on Kafka 3.9, or three KRaft
// nodes on Kafka 4.x), each with a PID file and a log file.
package native
