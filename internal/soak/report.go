//go:build linux

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
	row("runs / SIGKILLs (during Complete, during Initiate) / exits on its own", fmt.Sprintf("%d / %d (%d, %d) / %d", len(r.Runs), r.Kills, r.CompleteKills, r.InitiateKills, r.FailedRuns))
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
	l := r.killLedger()
	if r.Kills > 0 && r.InFlightBound == 0 { // the window picks its own concurrency: no fixed bound
		row("bytes lost per kill: mean / max", fmt.Sprintf("%s / %s", mib(l.lost/int64(r.Kills)), mib(l.maxLost)))
		row("of which bodies cut mid-request by the kill (mean)", mib(l.cut/int64(r.Kills)))
	} else if r.Kills > 0 {
		row("bytes lost per kill: mean / max (bound)", fmt.Sprintf("%s / %s (%s: %s); %d kills over the bound",
			mib(l.lost/int64(r.Kills)), mib(l.maxLost), mib(r.InFlightBound), r.BoundWhy, l.over))
		row("of which bodies cut mid-request by the kill (mean)", mib(l.cut/int64(r.Kills)))
	}
	if r.Kills > 0 {
		row("lost per kill, in order (C: during Complete, I: during Initiate)", strings.Join(l.each, ", "))
	}
	row("body bytes reset or refused by the fault plan", mib(l.faultWaste))
	row("body bytes the client abandoned mid-request, no kill (400 IncompleteBody)", mib(l.abandoned))
	row("bytes resent after runs that failed on their own, or in run 1", mib(l.otherResent))
	v := r.Verified
	row("objects / lost / corrupt / duplicated or stray", fmt.Sprintf("%d / %d / %d / %d", v.objects, v.missing, v.corrupt, v.extra))
	row("open multipart uploads", fmt.Sprint(v.openUploads))
	row("journal: tasks not done / files it gets wrong", fmt.Sprintf("%d / %d", v.notDone, v.journalWrong))
	return b.String()
}

// ledger sums what the runs' byte ledgers say.
type ledger struct {
	lost, cut, faultWaste, abandoned, otherResent, maxLost int64
	over                                                   int      // kills that cost more than the bound
	each                                                   []string // each kill's cost, in order
}

// killLedger charges each kill with the bodies it cut off and with what the
// next run sent again (200 bodies that did not grow the server's holdings).
func (r *Result) killLedger() ledger {
	var l ledger
	for i, run := range r.Runs {
		l.faultWaste += run.faultWaste
		l.abandoned += run.abandoned
		if i == 0 || !r.Runs[i-1].killed {
			l.otherResent += max(run.resent, 0)
		}
		if !run.killed {
			continue
		}
		lost := run.cut
		if i+1 < len(r.Runs) {
			lost += max(r.Runs[i+1].resent, 0)
		}
		l.lost += lost
		l.cut += run.cut
		l.maxLost = max(l.maxLost, lost)
		c := ""
		if run.duringComplete {
			c = " C"
		}
		if run.duringInitiate {
			c = " I"
		}
		l.each = append(l.each, fmt.Sprintf("%.1f%s", float64(lost)/(1<<20), c))
		if r.InFlightBound > 0 && lost > r.InFlightBound {
			l.over++
		}
	}
	return l
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
