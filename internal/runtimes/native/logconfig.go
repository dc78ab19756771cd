package native

const log4jConfig = `# Kafka 3.x (reload4j): everything to stdout, which the runtime sends to the process's log file.
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.zookeeper=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
`

const log4j2Config = `# Kafka 4.x (log4j2): everything to stdout, which the runtime sends to the process's log file.
status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = warn
`

// The log configuration files, written into the mode's data folder.
const (
	log4jFile  = "log4j.properties"
	log4j2File = "log4j2.properties"
)

// logConfig returns the log configuration file name and body for Kafka
// version: reload4j for 3.x, log4j2 for 4.x.
func logConfig(version string) (string, string) {
	if major(version) >= 4 {
		return log4j2File, log4j2Config
	}
	return log4jFile, log4jConfig
}
