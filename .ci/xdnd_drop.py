#!/usr/bin/env python3
"""A minimal X11 drag-and-drop (XDND v5) source, for the real-window test.

Usage: xdnd_drop.py WINDOW_ID X Y FILE...

Drops FILE... onto the window WINDOW_ID at (X, Y) in window coordinates,
the way a file manager does: checks that the target is XdndAware, sends
XdndEnter / XdndPosition, waits for XdndStatus to accept, sends XdndDrop,
answers the target's SelectionRequest for XdndSelection with a
text/uri-list, and waits for XdndFinished. Every wait is bounded; any
failure exits non-zero with the reason.
"""
import sys
import time
import urllib.parse

from Xlib import X, Xatom, display
from Xlib.protocol import event

TIMEOUT = 10.0  # seconds for each step
XDND_VERSION = 5


def fail(msg):
    print("xdnd_drop: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    target_id = int(sys.argv[1], 0)
    x, y = int(sys.argv[2]), int(sys.argv[3])
    files = sys.argv[4:]
    uri_list = "".join("file://" + urllib.parse.quote(f) + "\r\n" for f in files).encode()

    d = display.Display()
    root = d.screen().root
    atom = lambda name: d.intern_atom(name)
    XdndAware, XdndSelection = atom("XdndAware"), atom("XdndSelection")
    XdndEnter, XdndPosition, XdndStatus = atom("XdndEnter"), atom("XdndPosition"), atom("XdndStatus")
    XdndDrop, XdndFinished, XdndLeave = atom("XdndDrop"), atom("XdndFinished"), atom("XdndLeave")
    XdndActionCopy, uri_type = atom("XdndActionCopy"), atom("text/uri-list")

    target = d.create_resource_object("window", target_id)
    aware = target.get_full_property(XdndAware, Xatom.ATOM)
    if aware is None or not aware.value:
        fail("window 0x%x is not XdndAware" % target_id)
    version = min(XDND_VERSION, int(aware.value[0]))
    print("xdnd_drop: target 0x%x speaks XDND v%d" % (target_id, int(aware.value[0])))

    source = root.create_window(-10, -10, 1, 1, 0, X.CopyFromParent, X.InputOnly, X.CopyFromParent)
    source.set_selection_owner(XdndSelection, X.CurrentTime)
    d.sync()
    if d.get_selection_owner(XdndSelection) != source:
        fail("could not own XdndSelection")

    def send(msg_type, data):
        ev = event.ClientMessage(window=target, client_type=msg_type, data=(32, (data + [0] * 5)[:5]))
        target.send_event(ev, event_mask=0)
        d.flush()

    def wait(pred, what):
        deadline = time.time() + TIMEOUT
        while time.time() < deadline:
            while d.pending_events():
                ev = d.next_event()
                if ev.type == X.SelectionRequest:
                    answer(ev)
                    continue
                r = pred(ev)
                if r is not None:
                    return r
            time.sleep(0.01)
        fail("timed out waiting for " + what)

    served = []

    def answer(req):
        # The target asks for the dragged data: hand it the uri-list.
        prop = req.property or req.target
        ok = req.selection == XdndSelection and req.target == uri_type
        if ok:
            req.requestor.change_property(prop, uri_type, 8, uri_list)
            served.append(True)
        reply = event.SelectionNotify(time=req.time, requestor=req.requestor, selection=req.selection,
                                      target=req.target, property=prop if ok else X.NONE)
        req.requestor.send_event(reply, event_mask=0)
        d.flush()

    geom = target.translate_coords(root, 0, 0)  # window origin in root coordinates
    rx, ry = x - geom.x, y - geom.y
    src = source.id
    send(XdndEnter, [src, version << 24, uri_type, 0, 0])
    ts = X.CurrentTime
    send(XdndPosition, [src, 0, (rx << 16) | ry, ts, XdndActionCopy])

    def status(ev):
        if ev.type == X.ClientMessage and ev.client_type == XdndStatus:
            return ev.data[1]
        return None
    accepted = wait(status, "XdndStatus")
    if not accepted[1] & 1:
        send(XdndLeave, [src, 0, 0, 0, 0])
        fail("the target refused the drop (XdndStatus accept bit clear)")
    print("xdnd_drop: target accepts text/uri-list")

    send(XdndDrop, [src, 0, ts, 0, 0])

    def finished(ev):
        if ev.type == X.ClientMessage and ev.client_type == XdndFinished:
            return True
        return None
    if version >= 2:
        wait(finished, "XdndFinished")
    else:
        wait(lambda ev: True if served else None, "the SelectionRequest")
    if not served:
        fail("the target finished without asking for the data")
    print("xdnd_drop: dropped %d file(s)" % len(files))


if __name__ == "__main__":
    main()
