//go:build linux

package soak

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// journalTask is one line of `cosdrop status --json`.
type journalTask struct {
	Task  uint64          `json:"task"`
	Path  string          `json:"path"`
	Key   string          `json:"key"`
	State string          `json:"state"`
	Size  int64           `json:"size"`
	Acked int64           `json:"acked"`
	CRC64 string          `json:"crc64"`
	Error json.RawMessage `json:"error"`
}

// credit is what the journal counts as safely uploaded for the task.
func (t journalTask) credit() int64 {
	if t.State == "done" || t.State == "skipped" {
		return t.Size
	}
	return t.Acked
}

// cli runs the cosdrop binary with a private home and no inherited
// credentials.
type cli struct {
	bin  string
	home string
}

func (c cli) env() []string {
	return []string{"PATH=/usr/bin:/bin", "HOME=" + c.home, "XDG_CONFIG_HOME=" + filepath.Join(c.home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(c.home, ".local/share"), "XDG_STATE_HOME=" + filepath.Join(c.home, ".local/state"),
		"XDG_CACHE_HOME=" + filepath.Join(c.home, ".cache"), "LANG=C.UTF-8"}
}

// status reads the journal in stateDir with `cosdrop status --json`. A
// journal not yet created reads as empty.
func (c cli) status(ctx context.Context, stateDir string) ([]journalTask, error) {
	if _, err := os.Stat(filepath.Join(stateDir, "journal.db")); os.IsNotExist(err) {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, "status", "--state-dir", stateDir, "--json")
	cmd.Env = c.env()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("cosdrop status: %v: %s", err, stderr.Bytes())
	}
	var tasks []journalTask
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		var t journalTask
		if err := json.Unmarshal(sc.Bytes(), &t); err != nil {
			return nil, fmt.Errorf("cosdrop status: line %q: %w", sc.Text(), err)
		}
		tasks = append(tasks, t)
	}
	return tasks, sc.Err()
}

// credits maps each path to the journal's credit of its newest task.
func credits(tasks []journalTask) map[string]int64 {
	newest := map[string]journalTask{}
	for _, t := range tasks {
		if o, ok := newest[t.Path]; !ok || t.Task > o.Task {
			newest[t.Path] = t
		}
	}
	m := make(map[string]int64, len(newest))
	for p, t := range newest {
		m[p] = t.credit()
	}
	return m
}

// uploadRun is one started `cosdrop upload` in its own process group.
type uploadRun struct {
	cmd   *exec.Cmd
	out   *os.File
	start time.Time
	exit  chan error
}

func (c cli) startUpload(args []string, logPath string) (*uploadRun, error) {
	out, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(c.bin, append([]string{"upload"}, args...)...)
	cmd.Env = c.env()
	cmd.Stdout, cmd.Stderr = out, out
	// Own process group (killed as one); SIGKILL if the driver dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, fmt.Errorf("start cosdrop upload: %w", err)
	}
	r := &uploadRun{cmd: cmd, out: out, start: time.Now(), exit: make(chan error, 1)}
	go func() { r.exit <- cmd.Wait(); out.Close() }()
	return r, nil
}

// kill SIGKILLs the run's whole process group and waits for it.
func (r *uploadRun) kill() error {
	syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
	select {
	case <-r.exit:
		return nil
	case <-time.After(waitBound):
		return fmt.Errorf("cosdrop upload (pid %d) did not die within %v of SIGKILL", r.cmd.Process.Pid, waitBound)
	}
}

// exitCode of a finished run's Wait error.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	return -1
}

// failures returns the "failed" events of a run's --json output (the
// path, key and error of each, at most 5), or else the output's tail.
func failures(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, `"event":"failed"`) && len(out) < 5 {
			var t journalTask
			if json.Unmarshal([]byte(line), &t) == nil {
				out = append(out, fmt.Sprintf("    failed: %s (key %s): %s", t.Path, t.Key, t.Error))
			}
		}
	}
	if len(out) == 0 {
		return tail(path, 1500)
	}
	return strings.Join(out, "\n")
}

// tail returns the last n bytes of a file, for failure messages.
func tail(path string, n int64) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if int64(len(b)) > n {
		b = b[int64(len(b))-n:]
	}
	return string(b)
}

func itoa(n int) string { return strconv.Itoa(n) }
