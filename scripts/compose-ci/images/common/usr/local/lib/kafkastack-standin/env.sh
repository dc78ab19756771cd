# Shared by the stand-in images that scripts/compose-ci.sh builds for CI
# (kafkastack). Not part of any official image.

# kafka_env_props prints the KAFKA_* environment as Kafka settings, by the
# rule of the Confluent and Apache images: drop KAFKA_, lower-case, "___"
# becomes "-", "__" becomes "_", "_" becomes ".". The variables those images
# use for the JVM and the image itself are not settings.
kafka_env_props() {
  local var key
  for var in $(compgen -e | LC_ALL=C sort); do
    [[ $var == KAFKA_* ]] || continue
    case $var in
      KAFKA_OPTS | KAFKA_HEAP_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_LOG4J_OPTS | KAFKA_GC_LOG_OPTS | \
        KAFKA_VERSION | KAFKA_LOG4J_ROOT_LOGLEVEL | KAFKA_LOG4J_LOGGERS | KAFKA_TOOLS_LOG4J_LOGLEVEL | KAFKA_JMX_*)
        continue ;;
    esac
    key=${var#KAFKA_}
    key=${key,,}
    key=${key//___/-}
    key=${key//__/@}
    key=${key//_/.}
    key=${key//@/_}
    printf '%s=%s\n' "$key" "${!var}"
  done
}

# zookeeper_env_props prints the ZOOKEEPER_* environment as ZooKeeper
# settings in camelCase (ZOOKEEPER_TICK_TIME is tickTime), leaving out
# ZOOKEEPER_CLIENT_PORT, which the caller writes itself.
zookeeper_env_props() {
  local var key part out i
  for var in $(compgen -e | LC_ALL=C sort); do
    [[ $var == ZOOKEEPER_* && $var != ZOOKEEPER_CLIENT_PORT ]] || continue
    key=${var#ZOOKEEPER_}
    IFS=_ read -ra part <<<"${key,,}"
    out=${part[0]}
    for ((i = 1; i < ${#part[@]}; i++)); do out+=${part[i]^}; done
    printf '%s=%s\n' "$out" "${!var}"
  done
}

# The JVM options Kafka's own start scripts use when none are given.
KAFKA_DEFAULT_JVM_PERFORMANCE_OPTS="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true"
