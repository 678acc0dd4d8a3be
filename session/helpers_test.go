package session

import (
	"time"

	"cosdrop/uploader"
)

// waitBound is how long a test in this package waits for something (an
// upload to finish, a session to open, a connection check to answer)
// before calling it stuck. It only ends a stuck test: under -race beside
// other work (a second `make test`, a build) these take far longer than
// alone, and must not fail for it.
const waitBound = 2 * time.Minute

func uploaderTaskError(code string) uploader.TaskError { return uploader.TaskError{Code: code} }
