package uploader

import (
	"math"
	"time"
)

// ackMeter reads a speed from bytes COS acknowledged, never from bytes
// handed to a request: the socket buffers take megabytes at once (on a
// capped line the first seconds read several times the cap), and what a
// kill or a dropped line loses is exactly what was sent but not yet
// acknowledged. Acknowledgements come in steps (a part, a file), so the
// meter averages each step over the time since the one before it (an
// exponential average with time constant speedTau); while no step comes,
// the speed is at most one more step of the last size over the time
// waited, so a stalled line reads as slowing, not as its old speed.
type ackMeter struct {
	last  int64     // acknowledged total at the last step
	at    time.Time // when the last step was seen (or the meter was reset)
	step  int64     // bytes of the last step
	speed float64   // bytes per second; 0 until the first step
}

// reset starts the meter over at now with acked acknowledged so far.
func (m *ackMeter) reset(now time.Time, acked int64) {
	*m = ackMeter{last: acked, at: now}
}

// update reads the acknowledged total at now and reports whether the
// speed changed.
func (m *ackMeter) update(now time.Time, acked int64) bool {
	if m.at.IsZero() {
		m.reset(now, acked)
		return false
	}
	old := m.speed
	dt := now.Sub(m.at).Seconds()
	switch {
	case acked < m.last: // progress given back (the file changed, the upload restarted)
		m.reset(now, acked)
	case acked > m.last && dt > 0:
		d := acked - m.last
		inst := float64(d) / dt
		if m.speed == 0 {
			m.speed = inst
		} else {
			m.speed += (1 - math.Exp(-dt/speedTau.Seconds())) * (inst - m.speed)
		}
		m.last, m.at, m.step = acked, now, d
	case m.step > 0 && dt > 0:
		m.speed = min(m.speed, float64(m.step)/dt)
	}
	return m.speed != old
}
