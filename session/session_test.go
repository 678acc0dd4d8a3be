package session

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cosdrop/auth"
	"cosdrop/localcos"
	"cosdrop/localcos/localcostest"
	"cosdrop/profile"
	"cosdrop/uploader"
)

// One mapping of policy names, for profiles and flags alike (finding
// 10.1: the CLI refused a profile's "skip-identical").
func TestConflictPolicyNames(t *testing.T) {
	for _, c := range []struct {
		name   string
		canAsk bool
		want   uploader.ConflictPolicy
	}{
		{"", false, uploader.Overwrite}, {"overwrite", false, uploader.Overwrite},
		{"skip-identical", false, uploader.SkipIdentical}, {"skip", false, uploader.SkipIdentical},
		{"rename", false, uploader.Rename}, {"ask", true, uploader.Ask}, {"ask", false, uploader.Rename},
	} {
		got, err := ConflictPolicy(c.name, c.canAsk)
		if err != nil || got != c.want {
			t.Errorf("ConflictPolicy(%q, %v) = %v, %v; want %v", c.name, c.canAsk, got, err, c.want)
		}
	}
	if _, err := ConflictPolicy("clobber", false); err == nil {
		t.Error("an unknown policy was accepted")
	}
	// Every policy a profile may name is accepted by the mapping.
	for _, name := range []string{"overwrite", "skip-identical", "rename", "ask"} {
		p := profile.Profile{Name: "p", Bucket: "b-1250000000", Region: "ap-guangzhou", Mode: profile.ModeSTS,
			CredentialURL: "https://sts.example.com", OnConflict: name}
		if err := p.Validate(); err != nil {
			t.Fatalf("profile with %q: %v", name, err)
		}
		if _, err := ConflictPolicy(p.OnConflict, false); err != nil {
			t.Errorf("valid profile policy %q refused: %v", name, err)
		}
	}
}

// uploadOne adds a file to s and waits until it is final.
func uploadOne(t *testing.T, s *Session, path string) uploader.Snapshot {
	t.Helper()
	b := s.Engine.Add(path)
	deadline := time.Now().Add(waitBound)
	for time.Now().Before(deadline) {
		res := s.Engine.BatchResult(b)
		n := 0
		for st, c := range res.Counts {
			if st.Final() {
				n += c
			}
		}
		if n == 1 {
			changed, _ := s.Engine.Changes(0)
			for _, sn := range changed {
				if sn.Path == path {
					return sn
				}
			}
		}
		time.Sleep(10 * time.Millisecond) // poll interval, bounded by the deadline
	}
	t.Fatalf("%s did not finish within %v", path, waitBound)
	return uploader.Snapshot{}
}

func writeFile(t *testing.T, name string, n int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Issue 12, finding 1: the Sandbox broke on every second launch because
// its server took a random port and the journal was bound to that URL.
// Open it twice in the same home, the second time with its old port taken
// by another program, and upload both times.
func TestSandboxOpensTwiceInSameHome(t *testing.T) {
	home := t.TempDir()
	o := &Opener{DataDir: home}
	s1, err := o.OpenSandbox()
	if err != nil {
		t.Fatal(err)
	}
	if sn := uploadOne(t, s1, writeFile(t, "one.bin", 1000)); sn.State != uploader.Done {
		t.Fatalf("first launch: %s %+v", sn.State, sn.LastErr)
	}
	addr := strings.TrimPrefix(s1.BucketURL, "http://")
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	// Relaunch (a new Opener, as a new process): same address again.
	o2 := &Opener{DataDir: home}
	s2, err := o2.OpenSandbox()
	if err != nil {
		t.Fatalf("second launch: %v", err)
	}
	if s2.BucketURL != s1.BucketURL {
		t.Errorf("the Sandbox moved from %s to %s with its port free", s1.BucketURL, s2.BucketURL)
	}
	if sn := uploadOne(t, s2, writeFile(t, "two.bin", 1000)); sn.State != uploader.Done {
		t.Fatalf("second launch: %s %+v", sn.State, sn.LastErr)
	}
	s2.Close()
	// Another program took the port: the Sandbox moves, and still opens.
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("take the Sandbox's port: %v", err)
	}
	defer l.Close()
	s3, err := (&Opener{DataDir: home}).OpenSandbox()
	if err != nil {
		t.Fatalf("third launch, port taken: %v", err)
	}
	defer s3.Close()
	if s3.BucketURL == s1.BucketURL {
		t.Fatal("the Sandbox claims a port another program holds")
	}
	changed, _ := s3.Engine.Changes(0)
	if len(changed) != 2 {
		t.Errorf("history after relaunch: %d tasks, want 2", len(changed))
	}
	if sn := uploadOne(t, s3, writeFile(t, "three.bin", 1000)); sn.State != uploader.Done {
		t.Fatalf("third launch: %s %+v", sn.State, sn.LastErr)
	}
}

// profileHome is a permanent-key profile against a local COS, with its
// key in a memory store.
func profileHome(t *testing.T) (*Opener, *profile.Profiles, profile.Profile) {
	t.Helper()
	const id, key = "AKIDsessiontest0001", "sessionTestSecretKey0123456789ab"
	srv := localcostest.Start(t, localcos.Config{SecretID: id, SecretKey: key})
	ps := profile.NewProfiles(filepath.Join(t.TempDir(), "config"))
	p := profile.Profile{Name: "office", Endpoint: srv.URL(), Bucket: localcos.DefaultBucket, Region: localcos.DefaultRegion,
		Mode: profile.ModePermanent, SecretID: id}
	if err := ps.Put(p); err != nil {
		t.Fatal(err)
	}
	store := auth.NewSessionStore()
	if err := store.Set(context.Background(), auth.SecretKeyAccount(p.Name), key); err != nil {
		t.Fatal(err)
	}
	return &Opener{DataDir: t.TempDir(), Profiles: ps, Secrets: store}, ps, p
}

// Issue 12, finding 3: saving the active profile must apply it, not fail
// with "in use by another CosDrop process" (the app itself).
func TestReopenActiveProfileAppliesChanges(t *testing.T) {
	o, ps, p := profileHome(t)
	s1, err := o.Open(context.Background(), p.Name)
	if err != nil {
		t.Fatal(err)
	}
	if s1.Config.OnConflict != uploader.Overwrite {
		t.Fatalf("policy %v", s1.Config.OnConflict)
	}
	p.OnConflict = "skip-identical"
	p.Prefix = "saved/"
	if err := ps.Put(p); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitBound)
	defer cancel()
	s2, err := o.Open(ctx, p.Name) // s1 still open, as in the window
	if err != nil {
		t.Fatalf("reopen the active profile: %v", err)
	}
	defer s2.Close()
	if s2.Config.OnConflict != uploader.SkipIdentical || s2.Config.Prefix != "saved/" {
		t.Errorf("changes not applied: policy %v prefix %q", s2.Config.OnConflict, s2.Config.Prefix)
	}
	// The window closes the old session too, later: harmless.
	if err := s1.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	if sn := uploadOne(t, s2, writeFile(t, "a.txt", 10)); sn.State != uploader.Done || !strings.HasPrefix(sn.Key, "saved/") {
		t.Errorf("upload after save: %s %q %+v", sn.State, sn.Key, sn.LastErr)
	}
}

// Finding 10.12, the window's path: a damaged Sandbox journal is refused
// in plain words (no panic), set aside on request, and the Sandbox opens
// again with the tasks that could be read.
func TestDamagedJournalSetAsideInSession(t *testing.T) {
	home := t.TempDir()
	o := &Opener{DataDir: home}
	s, err := o.OpenSandbox()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		uploadOne(t, s, writeFile(t, "f"+string(rune('a'+i))+".bin", 100))
	}
	s.Close()
	p := filepath.Join(o.StateDir(SandboxName), uploader.JournalFile)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for i := 2 * 4096; i < len(b); i++ { // zero every page after the metas
		b[i] = 0
	}
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = o.OpenSandbox()
	if !IsDamaged(err) {
		t.Fatalf("open a zeroed journal: %v", err)
	}
	if text := ErrText(err); !strings.Contains(text, "is damaged") {
		t.Errorf("worded %q", text)
	}
	text, err := o.SetAside(SandboxName)
	if err != nil || !strings.Contains(text, "was moved to") {
		t.Fatalf("set aside: %q, %v", text, err)
	}
	s2, err := o.OpenSandbox()
	if err != nil {
		t.Fatalf("open after setting aside: %v", err)
	}
	defer s2.Close()
	if sn := uploadOne(t, s2, writeFile(t, "after.bin", 100)); sn.State != uploader.Done {
		t.Errorf("upload after set aside: %s", sn.State)
	}
}

// Finding 10.8: status while another session holds the journal. The
// journal file is locked (ReadJournal cannot open it), yet Status answers
// from the running engine over its socket.
func TestStatusWhileSessionRuns(t *testing.T) {
	o := &Opener{DataDir: t.TempDir()}
	s, err := o.OpenSandbox()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f := writeFile(t, "live.bin", 1000)
	uploadOne(t, s, f)
	if _, err := uploader.ReadJournal(s.StateDir()); err == nil {
		t.Fatal("the journal file was readable while in use; this test proves nothing")
	}
	tasks, err := statusList(t, s.StateDir())
	if err != nil || len(tasks) != 1 || tasks[0].Path != f || tasks[0].State != uploader.Done {
		t.Fatalf("live status: %+v, %v", tasks, err)
	}
	s.Close()
	// With the session gone, the socket is gone and the file answers.
	if _, ok := LiveStatus(s.StateDir()); ok {
		t.Error("a closed session still answers")
	}
	tasks, err = statusList(t, s.StateDir())
	if err != nil || len(tasks) != 1 {
		t.Fatalf("status from the file: %d tasks, %v", len(tasks), err)
	}
}

type fakeSnaps struct{}

func (fakeSnaps) Changes(uint64) ([]uploader.Snapshot, uint64) {
	return []uploader.Snapshot{{ID: 1, Path: "x"}}, 1
}

func (fakeSnaps) Leftovers() ([]uploader.Leftover, error) {
	return []uploader.Leftover{{UploadID: "u1", Key: "big.bin", Code: uploader.CodeAbortDenied}}, nil
}

// BenchmarkLiveStatus is `cosdrop status` asking a running CosDrop with
// 10,000 tasks over its socket (the issue asks for under a second).
func BenchmarkLiveStatus(b *testing.B) {
	dir := b.TempDir()
	snaps := make(manySnaps, 10000)
	for i := range snaps {
		snaps[i] = uploader.Snapshot{ID: uploader.TaskID(i + 1), Path: "/home/user/photos/IMG_0001.jpg", Key: "photos/IMG_0001.jpg", State: uploader.Done}
	}
	stop, err := ServeStatus(dir, snaps)
	if err != nil {
		b.Fatal(err)
	}
	defer stop()
	for b.Loop() {
		if tasks, ok := LiveStatus(dir); !ok || len(tasks) != len(snaps) {
			b.Fatal("no live status")
		}
	}
}

type manySnaps []uploader.Snapshot

func (m manySnaps) Changes(uint64) ([]uploader.Snapshot, uint64) { return m, 1 }

func (manySnaps) Leftovers() ([]uploader.Leftover, error) { return nil, nil }
