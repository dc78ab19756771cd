package groups

// The real-Kafka test (package groups_test, which may import the stack)
// shares these helpers.
var (
	JoinMember    = member
	CommitEvents  = commit
	EventsStarted = base
)
