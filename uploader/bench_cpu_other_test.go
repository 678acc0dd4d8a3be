//go:build !unix

package uploader

import "time"

// cpuTime is not measured here; the "cores" metric reads 0.
func cpuTime() time.Duration { return 0 }
