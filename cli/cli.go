// Package cli is CosDrop's command line: the subcommands that give the
// engine to scripts and support staff, and the dispatch that opens the
// window when there is no subcommand.
//
// Each subcommand lives in its own cmd_*.go file and calls into the
// session, uploader, auth and localcos packages. The window itself is passed
// in by the main package (Build.Window), so this package never imports Fyne
// and the CLI-only build (-tags nogui) links without it.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"
)

// Set by Main from the main package's link-time values (the Makefile's
// -ldflags "-X main.version=..."); "dev" marks a build made without them.
var (
	version = "dev"
	commit  = "dev"
)

// Window opens CosDrop's window with paths added to the queue, in the
// system tray without showing the window when background is set, and
// returns the exit code once it closes.
type Window func(paths []string, background bool) int

// Build is what the main package tells the command line about the binary.
type Build struct {
	// Version and Commit are printed by "cosdrop version".
	Version, Commit string
	// Window opens the window; nil in the CLI-only build (-tags nogui),
	// which then says it has none.
	Window Window
	// BackgroundFlag is the argument start at login passes; with a Window
	// it is a command that starts the app in the tray.
	BackgroundFlag string
}

// window is Build.Window, set by Main.
var window Window

// Main runs the command line on args (os.Args[1:]) and returns the
// process's exit code.
func Main(args []string, b Build) int {
	if b.Version != "" {
		version = b.Version
	}
	if b.Commit != "" {
		commit = b.Commit
	}
	window = b.Window
	if window != nil && b.BackgroundFlag != "" {
		registerBackground(b.BackgroundFlag)
	}
	return run(args)
}

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
