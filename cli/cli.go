// Command cosdrop uploads files to Tencent Cloud Object Storage (COS).
//
// With no arguments (or only file paths) it opens the desktop window. The
// subcommands give the same engine to scripts and support staff. This file is
// wiring only: each subcommand lives in its own cmd_*.go file and calls into
// the ui, uploader, auth and localcos packages.
package cli

import (
	"cosdrop/auth"

	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
)

// Set at link time by the Makefile (-ldflags "-X main.version=..."); "dev"
// marks a build made without it.
var (
	version = "dev"
	commit  = "dev"
)

// command is one subcommand: a one-line summary for usage and the function
// that runs it with the arguments after its name. run returns the exit code.
type command struct {
	summary string
	run     func(args []string) int
}

// commands is filled by the cmd_*.go files' init functions, so adding a
// subcommand touches only its own file.
var commands = map[string]command{}

func register(name, summary string, run func(args []string) int) {
	commands[name] = command{summary: summary, run: run}
}

func main() {
	auth.NoBusAutolaunch() // no D-Bus daemon started by CosDrop may outlive it
	os.Exit(run(os.Args[1:]))
}

// run dispatches on the first argument. No argument, or arguments that look
// like paths rather than subcommands, open the GUI so "Open with CosDrop"
// works from a file manager.
func run(args []string) int {
	if len(args) == 0 || looksLikePath(args[0]) {
		return runGUI(args)
	}
	name := args[0]
	switch name {
	case "-h", "--help", "-help":
		name = "help"
	case "-v", "--version", "-version":
		name = "version"
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(os.Stderr, tr("Unknown command %q.")+"\n\n", name)
		usage(os.Stderr)
		return 2
	}
	return cmd.run(args[1:])
}

// looksLikePath reports whether arg is a file the user asked to open rather
// than a subcommand or flag: an existing path, or anything with a separator.
func looksLikePath(arg string) bool {
	if strings.HasPrefix(arg, "-") {
		return false
	}
	if _, known := commands[arg]; known {
		return false
	}
	if strings.ContainsAny(arg, `/\`) {
		return true
	}
	_, err := os.Stat(arg)
	return err == nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, tr("Usage: cosdrop [command] [flags] [paths...]"))
	fmt.Fprintln(w, tr("Without a command, CosDrop opens its window."))
	fmt.Fprintln(w)
	fmt.Fprintln(w, tr("Commands:"))
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, tr(commands[n].summary))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, tr("Run 'cosdrop help COMMAND' for a command's flags."))
}

// newFlagSet returns a flag set that reports errors instead of exiting, so
// every subcommand prints its usage and exits 2 on a bad flag in one place.
func newFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(os.Stderr, "%s: cosdrop %s %s\n", tr("Usage"), name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args into fs; ok is false when the caller should return
// code (0 for -h, 2 for a bad flag).
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	return 0, true
}

func init() {
	register("version", "Print the version, commit and Go version", func(args []string) int {
		fs := newFlagSet("version", "")
		if code, ok := parseFlags(fs, args); !ok {
			return code
		}
		if fs.NArg() > 0 {
			fs.Usage()
			return 2
		}
		fmt.Printf("cosdrop %s (commit %s, %s, %s/%s)\n", version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return 0
	})
	register("help", "Show this help, or a command's flags", func(args []string) int {
		if len(args) == 1 {
			if c, ok := commands[args[0]]; ok && args[0] != "help" {
				return c.run([]string{"-h"})
			}
		}
		usage(os.Stdout)
		return 0
	})
}
