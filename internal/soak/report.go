//go:build unix

package soak

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"cosdrop/localcos"
)

// Table renders the soak's figures as the Markdown table README carries.
func (r *Result) Table() string {
	var b strings.Builder
	row := func(k, v string) { fmt.Fprintf(&b, "| %s | %s |\n", k, v) }
	b.WriteString("| measure | value |\n|---|---|\n")
	row("files", fmt.Sprintf("%d (%s)", r.Files, mib(r.Needed)))
	row("wall time", r.Wall.Round(time.Second).String())
	row("runs / SIGKILLs / exits on its own", fmt.Sprintf("%d / %d / %d", len(r.Runs), r.Kills, r.FailedRuns))
	var kinds []string
	for k := range r.Stats.Faults {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	var fs []string
	for _, k := range kinds {
		fs = append(fs, fmt.Sprintf("%s %d", k, r.Stats.Faults[faultKind(k)]))
	}
	row("faults injected (server stats)", strings.Join(fs, ", "))
	var forbidden, creds int64
	for api, m := range r.Stats.Requests {
		if strings.HasPrefix(api, "sts:") {
			creds += r.Stats.Count(api)
			continue
		}
		forbidden += m[http.StatusForbidden]
	}
	row("403 answers (expired token, skewed clock) / credential fetches", fmt.Sprintf("%d / %d", forbidden, creds))
	rewrites := 0
	large := ""
	for _, run := range r.Runs {
		if run.rewroteSmall != "" {
			rewrites++
		}
		if run.large != "" {
			large = run.large
		}
	}
	row("files rewritten between runs", fmt.Sprintf("%d small, large: %s", rewrites, orNone(large)))
	if r.Needed > 0 {
		row("bytes received / bytes needed", fmt.Sprintf("%s / %s = %.3fx", mib(r.Stats.BytesReceived), mib(r.Needed), float64(r.Stats.BytesReceived)/float64(r.Needed)))
	}
	lost, cut, waste, maxLost, over := r.killLedger()
	if r.Kills > 0 {
		row("bytes lost per kill: mean / max (bound: in flight)", fmt.Sprintf("%s / %s (%s = concurrency x part size); %d kills over the bound",
			mib(lost/int64(r.Kills)), mib(maxLost), mib(r.InFlightBound), over))
		row("of which bodies cut mid-request per kill (mean)", mib(cut/int64(r.Kills)))
	}
	row("body bytes refused or reset by faults", mib(waste))
	v := r.Verified
	row("objects / lost / corrupt / duplicated or stray", fmt.Sprintf("%d / %d / %d / %d", v.objects, v.missing, v.corrupt, v.extra))
	row("open multipart uploads", fmt.Sprint(v.openUploads))
	row("journal: tasks not done / files it gets wrong", fmt.Sprintf("%d / %d", v.notDone, v.journalWrong))
	return b.String()
}

// killLedger sums the per-run ledgers of the killed runs.
func (r *Result) killLedger() (lost, cut, waste, maxLost int64, over int) {
	for _, run := range r.Runs {
		waste += run.faultWaste
		if !run.killed {
			continue
		}
		lost += max(run.lost, 0)
		cut += run.cut
		maxLost = max(maxLost, run.lost)
		if run.lost > r.InFlightBound {
			over++
		}
	}
	return
}

// Failed says whether the end check found a lost, corrupt, duplicated file,
// an open upload, a journal that disagrees, or a soak that did not finish.
func (r *Result) Failed() bool { return len(r.Problems) > 0 }

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func faultKind(s string) localcos.FaultKind { return localcos.FaultKind(s) }
