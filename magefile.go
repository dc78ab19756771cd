//go:build ignore

// The zero-install entry point: `go run magefile.go <target>` runs the
// targets in magefiles/ without an installed mage. `go run magefile.go -l`
// lists them.
package main

import (
	"os"
	"strings"

	"github.com/magefile/mage/mage"
)

// helpAliases are the aliases of magefiles/e2e.go: mage runs an alias but
// its -h does not know it, so help for what users type is rewritten here.
var helpAliases = map[string]string{"e2e": "e2e:run"}

func main() {
	help := false
	for i, a := range os.Args[1:] {
		switch {
		case a == "-h" || a == "-help" || a == "--help":
			help = true
		case help && !strings.HasPrefix(a, "-"):
			if t, ok := helpAliases[strings.ToLower(a)]; ok {
				os.Args[i+1] = t
			}
		}
	}
	os.Exit(mage.Main())
}
