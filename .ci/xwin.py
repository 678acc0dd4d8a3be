#!/usr/bin/env python3
"""Two things a window manager or a paste would do, for the real-window tests.

Usage: xwin.py close WINDOW_ID   asks the window to close (WM_DELETE_WINDOW),
                                 as a title bar's close button does; Xvfb
                                 without a window manager has no title bars.
       xwin.py clipboard         prints the CLIPBOARD's text (UTF8_STRING),
                                 as a paste into another program reads it.

Every wait is bounded; a failure exits non-zero with the reason.
"""
import sys
import time

from Xlib import X, Xatom, display
from Xlib.protocol import event

TIMEOUT = 10.0  # seconds for the clipboard owner to answer


def fail(msg):
    print("xwin: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def close(d, window_id):
    protocols, delete = d.intern_atom("WM_PROTOCOLS"), d.intern_atom("WM_DELETE_WINDOW")
    target = d.create_resource_object("window", window_id)
    ev = event.ClientMessage(window=target, client_type=protocols,
                             data=(32, [delete, X.CurrentTime, 0, 0, 0]))
    target.send_event(ev, event_mask=X.NoEventMask)
    d.sync()


def clipboard(d):
    clip, utf8, prop = d.intern_atom("CLIPBOARD"), d.intern_atom("UTF8_STRING"), d.intern_atom("XWIN_PASTE")
    if d.get_selection_owner(clip) == X.NONE:
        fail("nothing owns the CLIPBOARD")
    w = d.screen().root.create_window(-10, -10, 1, 1, 0, X.CopyFromParent, X.InputOnly, X.CopyFromParent)
    w.convert_selection(clip, utf8, prop, X.CurrentTime)
    d.flush()
    end = time.time() + TIMEOUT
    while time.time() < end:
        while d.pending_events():
            ev = d.next_event()
            if ev.type == X.SelectionNotify:
                if ev.property == X.NONE:
                    fail("the CLIPBOARD's owner refused UTF8_STRING")
                data = w.get_full_property(prop, X.AnyPropertyType)
                sys.stdout.write(data.value.decode("utf-8") if data else "")
                return
        time.sleep(0.05)
    fail("the CLIPBOARD's owner did not answer within %.0f s" % TIMEOUT)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "close":
        close(display.Display(), int(sys.argv[2], 0))
    elif len(sys.argv) == 2 and sys.argv[1] == "clipboard":
        clipboard(display.Display())
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
