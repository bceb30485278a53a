#!/usr/bin/env python3
"""A mail-client session with Python's stdlib imaplib against AgentMail IMAP over TLS.

Usage: imaplib-session.py HOST PORT CAFILE USER PASSWORD
Prints what it sees, one fact per line, and waits (IDLE) for a change made by another surface:
it prints "IDLING" when the IDLE is running, then the first untagged FETCH/EXISTS it receives.
"""
import imaplib
import ssl
import sys
import time

host, port, cafile, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]


def say(*parts):
    print(*parts, flush=True)


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


context = ssl.create_default_context(cafile=cafile)
imap = imaplib.IMAP4_SSL(host, port, ssl_context=context)
typ, _ = imap.login(user, password)
say("LOGIN", typ)
say("CAPABILITIES", " ".join(imap.capabilities))

typ, folders = imap.list()
for folder in folders:
    say("LIST", text(folder))

typ, data = imap.select("INBOX")
say("SELECT", typ, text(data[0]))

typ, data = imap.fetch("1", "(UID FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
say("FETCH", text(data[0][0]), text(data[0][1]).strip())

typ, data = imap.store("1", "+FLAGS", "(\\Flagged $label1)")
say("STORE", typ, text(data[0]))

typ, data = imap.uid("MOVE", "2", "Archive")
say("MOVE", typ, " ".join(text(d) for d in data))
say("MOVE-CODE", text(imap.untagged_responses.get("OK", [b""])[-1]) if "OK" in imap.untagged_responses else "")

message = b"From: Python <python@example.com>\r\nTo: agent@example.com\r\nSubject: From imaplib\r\n\r\nSaved by imaplib.\r\n"
typ, data = imap.append("Drafts", "(\\Draft)", imaplib.Time2Internaldate(time.time()), message)
say("APPEND", typ, text(data[0]))

typ, data = imap.store("1", "+FLAGS", "(\\Deleted)")
typ, data = imap.expunge()
say("EXPUNGE", typ, " ".join(text(d) for d in data if d))

# IDLE (RFC 2177) by hand: imaplib 3.11 has no idle(); this is what its 3.14 idle() sends.
tag = imap._new_tag()
imap.send(tag + b" IDLE\r\n")
say("CONTINUATION", text(imap.readline()).strip())
say("IDLING")
imap.sock.settimeout(20)
while True:
    line = text(imap.readline()).strip()
    if "FETCH" in line or "EXISTS" in line:
        say("PUSHED", line)
        break
imap.send(b"DONE\r\n")
while True:
    line = text(imap.readline()).strip()
    if line.startswith(tag.decode()):
        say("IDLE-DONE", line)
        break

typ, data = imap.logout()
say("LOGOUT", typ)
