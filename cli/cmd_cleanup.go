package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"cosdrop/session"
	"cosdrop/uploader"
)

func init() {
	register("cleanup", "Remove multipart uploads left open on COS", runCleanup)
}

// runCleanup tries again to abort the multipart uploads the journal lists
// as left open (a cancel or remove COS refused, an abort a kill cut
// short), with the credentials of a profile or of flags as `upload` takes
// them, and says which are still open and why.
func runCleanup(args []string) int {
	var f uploadFlags
	fs := newFlagSet("cleanup", "[--profile P | --endpoint URL --bucket B --region R] [--sts-url U] [--state-dir DIR]")
	f.destFlags(fs, tr("profile whose uploads to clean up (see 'cosdrop profile')"))
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	spec, err := uploadConfig(f)
	if err != nil {
		errLine(err)
		return 2
	}
	e, closers, err := session.Start(spec)
	if err != nil {
		errLine(err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := e.CleanLeftovers(ctx)
	code := 0
	if err != nil {
		errLine(err)
		code = 1
	}
	printCleanup(res)
	if len(res.Open) > 0 && code == 0 {
		code = 1
	}
	if err := closeAll(closers); err != nil {
		errLine(err)
		code = 1
	}
	return code
}

func printCleanup(res uploader.CleanResult) {
	if res.Ended == 0 && len(res.Open) == 0 && len(res.Unknown) == 0 {
		fmt.Println(tr("No uploads left open on COS.")) // COS's own list was asked too
		return
	}
	if res.Ended > 0 || len(res.Open) > 0 {
		fmt.Printf(tr("Removed %d uploads left open on COS; %d could not be removed:")+"\n", res.Ended, len(res.Open))
	}
	for _, l := range res.Open {
		fmt.Println("  " + safe(session.LeftoverText(l)))
	}
	if len(res.Unknown) > 0 {
		fmt.Printf(tr("%d other uploads are open on COS under this profile's prefix. COS's list of uploads does not say which program started them, so CosDrop left them (another computer may still be uploading); if they are abandoned, remove them in the COS console or with a lifecycle rule:")+"\n", len(res.Unknown))
	}
	for _, l := range res.Unknown {
		fmt.Println("  " + safe(session.StrayText(l)))
	}
}

// printLeftovers is status's account of the uploads a journal lists as
// left open on COS.
func printLeftovers(dir string) {
	left, err := session.Leftovers(dir)
	if err != nil || len(left) == 0 {
		return
	}
	fmt.Printf("  "+tr("%d multipart uploads are still open on COS:")+"\n", len(left))
	for _, l := range left {
		fmt.Println("    " + safe(session.LeftoverText(l)))
	}
	fmt.Println("  " + tr("Run 'cosdrop cleanup' with this upload's profile or flags to try again."))
}
