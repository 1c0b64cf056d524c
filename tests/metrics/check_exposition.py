#!/usr/bin/env python3
"""check_exposition.py - a strict check of the Prometheus text exposition
format (version 0.0.4) for the tests, used when promtool (Debian package
`prometheus`) is absent and alongside it when present: every line is a
HELP, a TYPE or a sample of the family declared just before it; names and
label names are valid, label values properly escaped, values numbers;
histogram buckets are cumulative, end with le="+Inf" and agree with
_count. Prints "ok" and exits 0, or prints each problem and exits 1.
Usage: check_exposition.py FILE
"""
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*"'
SAMPLE = re.compile(r"^(%s)(?:\{(%s(?:,%s)*)?\})? (\S+)$" % (NAME, LABEL, LABEL))
VALUE = re.compile(r"^(?:[+-]?Inf|NaN|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$")


def main(path):
    errs = []
    family, ftype, helped = None, None, set()
    hist = {}  # labels without le -> list of (le, count)
    counts = {}
    for no, line in enumerate(open(path, encoding="utf-8").read().split("\n"), 1):
        if line == "":
            continue
        m = re.match(r"^# HELP (%s) (.*)$" % NAME, line)
        if m:
            if m.group(1) in helped:
                errs.append("%d: second HELP for %s" % (no, m.group(1)))
            helped.add(m.group(1))
            family, ftype = m.group(1), None
            continue
        m = re.match(r"^# TYPE (%s) (counter|gauge|histogram|summary|untyped)$" % NAME, line)
        if m:
            if m.group(1) != family:
                errs.append("%d: TYPE of %s after HELP of %s" % (no, m.group(1), family))
            ftype = m.group(2)
            continue
        if line.startswith("#"):
            errs.append("%d: unexpected comment: %s" % (no, line))
            continue
        m = SAMPLE.match(line)
        if not m:
            errs.append("%d: not a sample line: %s" % (no, line))
            continue
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        if not VALUE.match(value):
            errs.append("%d: bad value %s" % (no, value))
            continue
        base = name
        if ftype == "histogram":
            for suf in ("_bucket", "_sum", "_count"):
                if name == family + suf:
                    base = family
        if base != family or ftype is None:
            errs.append("%d: sample %s outside its family (%s)" % (no, name, family))
        if ftype == "counter" and not name.endswith("_total"):
            errs.append("%d: counter %s without _total" % (no, name))
        if ftype == "counter" and float(value) < 0:
            errs.append("%d: negative counter %s" % (no, name))
        if ftype == "histogram" and name.endswith("_bucket"):
            le = re.search(r'(?:^|,)le="([^"]*)"', labels)
            if not le:
                errs.append("%d: bucket without le" % no)
                continue
            rest = re.sub(r'(?:^|,)le="[^"]*"', "", labels)
            hist.setdefault((family, rest), []).append((le.group(1), float(value)))
        if ftype == "histogram" and name.endswith("_count"):
            counts[(family, labels)] = float(value)
    for key, buckets in hist.items():
        if buckets[-1][0] != "+Inf":
            errs.append("%s{%s}: last bucket is not +Inf" % key)
        vals = [c for _, c in buckets]
        if vals != sorted(vals):
            errs.append("%s{%s}: buckets not cumulative" % key)
        if counts.get(key) != vals[-1]:
            errs.append("%s{%s}: _count differs from the +Inf bucket" % key)
    for e in errs:
        print(e)
    if not errs:
        print("ok")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
