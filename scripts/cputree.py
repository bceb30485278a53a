"""CPU seconds (user + system) a process and all its descendants have used, from /proc.

Exited children count in their parent (cutime + cstime), so PostgreSQL's finished backends are in
the postmaster's figure. Used by scripts/bench-smtp.sh and scripts/bench-imap-search.sh:
    python3 scripts/cputree.py <pid>      or      from cputree import cpu_seconds
"""
import os
import sys


def cpu_seconds(root: int) -> float:
    ticks, stats = os.sysconf('SC_CLK_TCK'), {}
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            fields = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
            stats[int(pid)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) / ticks)
        except OSError:
            pass
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, (parent, _) in stats.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(stats[p][1] for p in tree if p in stats)


if __name__ == '__main__':
    print(cpu_seconds(int(sys.argv[1])))
