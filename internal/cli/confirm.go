package cli

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// Confirm asks question on stderr and reads the answer from stdin when
// stdin is a terminal; y or yes is a yes. Without a terminal (CI, a pipe)
// nobody can answer, and it returns false.
func Confirm(question string) (bool, error) {
	fi, err := os.Stdin.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false, nil
	}
	fmt.Fprintf(os.Stderr, "%s [y/N] ", question)
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes", nil
}
