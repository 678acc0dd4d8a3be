#!/usr/bin/env python3
"""Runs a Windows program under Wine on a pseudo-terminal, so Wine gives
it a real console (conhost): the program's output goes through the
console (WriteConsoleW), as in cmd.exe, and a Ctrl+C typed there reaches
it as CTRL_C_EVENT.

Usage: wine_console.py [--ctrl-c-after REGEX] [--timeout SECONDS] -- CMD...

Prints everything the console showed, then exits with CMD's status
(124 when the bound passes: the child is killed). With --ctrl-c-after,
types Ctrl+C once REGEX has appeared in the output.
"""
import os
import pty
import re
import select
import signal
import sys
import time


def main():
    args = sys.argv[1:]
    pattern, timeout = None, 120.0
    while args and args[0] != "--":
        if args[0] == "--ctrl-c-after":
            pattern, args = re.compile(args[1].encode()), args[2:]
        elif args[0] == "--timeout":
            timeout, args = float(args[1]), args[2:]
        else:
            print(__doc__, file=sys.stderr)
            sys.exit(2)
    cmd = args[1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    out, sent, deadline = b"", False, time.time() + timeout
    while True:
        if time.time() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            sys.stdout.buffer.write(out)
            print("\nwine_console: timed out after %gs" % timeout, file=sys.stderr)
            sys.exit(124)
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                chunk = b""
            if not chunk:
                break
            out += chunk
        if pattern is not None and not sent and pattern.search(out):
            os.write(fd, b"\x03")
            sent = True
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(out)
    sys.stdout.flush()
    sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)


if __name__ == "__main__":
    main()
