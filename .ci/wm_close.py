#!/usr/bin/env python3
"""Asks an X11 window to close, as a window manager's close button does.

Usage: wm_close.py WINDOW_ID

Sends WM_PROTOCOLS / WM_DELETE_WINDOW (ICCCM 4.2.8.1). Under Xvfb there is
no window manager to do it, and Wine turns this message into WM_CLOSE for
the Windows window, the path a user's click on the title bar's X takes.
"""
import sys

from Xlib import X, display
from Xlib.protocol import event


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    d = display.Display()
    win = d.create_resource_object("window", int(sys.argv[1], 0))
    protocols, delete = d.intern_atom("WM_PROTOCOLS"), d.intern_atom("WM_DELETE_WINDOW")
    ev = event.ClientMessage(window=win, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
    win.send_event(ev, event_mask=0)
    d.sync()


if __name__ == "__main__":
    main()
